import sys


def main() -> None:
    from kb.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
