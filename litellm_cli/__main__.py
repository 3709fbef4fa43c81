from litellm_cli.shell import run

run()
