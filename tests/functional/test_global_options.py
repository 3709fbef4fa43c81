"""Global options against the real proxy: before the command words, or after them where the
command has no option of that name; a command's own options are never taken as global ones."""

from tests.functional.conftest import closed_port, run_cli


def test_global_options_after_the_command_words(proxy):
    res = run_cli(["models", "list", "-f", "json", "--debug", "--base-url", proxy.url,
                   "--api-key", proxy.key], f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 0, res
    assert {m["id"] for m in res.json()} >= {"gpt-4o"}
    assert "REQ: curl" in res.err and proxy.key not in res.err


def test_wrong_key_after_the_command_words_is_used(proxy):
    res = run_cli(["keys", "list", "--api-key", "sk-wrong-h15"], proxy.url, key=proxy.key)
    assert res.rc == 4, res
    assert "sk-wrong-h15" not in res.err


def test_version_flag_after_a_command_is_a_usage_error():
    res = run_cli(["keys", "list", "-v"], f"http://127.0.0.1:{closed_port()}", key="sk-anything")
    assert (res.rc, res.out) == (2, ""), res
    assert "-v" in res.err and len(res.err.strip().splitlines()) == 1


def test_profile_add_keeps_its_own_options_and_they_are_used(proxy, tmp_path):
    env = {"LITELLM_CLI_CONFIG": str(tmp_path / "config.yaml")}
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    res = run_cli(["profile", "add", "h15", "--url", proxy.url, "--key", proxy.key,
                   "--timeout", "7", "--ca-bundle", str(bundle), "--insecure"], "", env=env)
    assert res.rc == 0, res
    shown = run_cli(["--profile", "h15", "profile", "show", "-f", "json"], "",
                    env=dict(env, LITELLM_PROXY_URL="")).json()
    assert (shown["timeout"], shown["timeout_source"]) == (7, "profile h15")
    assert (shown["ca_bundle"], shown["insecure"]) == (str(bundle), True)
    res = run_cli(["--profile", "h15", "models", "list", "-f", "value", "-c", "id"], "",
                  env=dict(env, LITELLM_PROXY_URL=""))
    assert res.rc == 0 and "gpt-4o" in res.out.split(), res


def test_a_message_value_is_never_a_global_option(proxy):
    res = run_cli(["chat", "completions", "gpt-4o", "-m", "user:hi", "-m", "--debug"],
                  proxy.url, key=proxy.key)
    assert res.rc == 2, res
    assert "Traceback" not in res.err and "REQ:" not in res.err
