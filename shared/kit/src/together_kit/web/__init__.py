"""Server-rendered bilingual pages: rendering, templates and assets, languages, forms, navigation,
error pages, labels and the signed-in session every service's pages share."""
