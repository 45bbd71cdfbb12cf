from together_kit.serve import serve

from signups.bootstrap import create_app
from signups.settings import Settings


def main() -> None:
    serve(Settings(), create_app)


if __name__ == "__main__":
    main()
