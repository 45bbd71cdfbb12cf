from together_kit.serve import serve

from moderation.bootstrap import create_app
from moderation.settings import Settings


def main() -> None:
    serve(Settings(), create_app)


if __name__ == "__main__":
    main()
