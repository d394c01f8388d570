import sys


def main() -> None:
    from kb.fastpath import run as fast_run

    try:
        code = fast_run(sys.argv)
    except BrokenPipeError:
        from kb.cli import _silence_stdout

        _silence_stdout()
        code = 0
    except KeyboardInterrupt:
        code = 130
    if code is None:
        from kb.cli import run

        code = run()
    sys.exit(code)


if __name__ == "__main__":
    main()
