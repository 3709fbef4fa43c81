from litellm_cli.shell import run

if __name__ == "__main__":
    run()
