from together_kit.serve import serve

from notifications.bootstrap import create_app
from notifications.settings import Settings


def main() -> None:
    serve(Settings(), create_app)


if __name__ == "__main__":
    main()
