"""litellm-cli: a command-line client for the LiteLLM proxy."""

__version__ = "0.1.0"
