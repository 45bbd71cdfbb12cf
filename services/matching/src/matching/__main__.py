from together_kit.serve import serve

from matching.bootstrap import create_app
from matching.settings import Settings


def main() -> None:
    serve(Settings(), create_app)


if __name__ == "__main__":
    main()
