"""The second proxy of the functional tests is another proxy with a database of its own."""

from tests.functional.conftest import ProxyAPI


def test_second_proxy_has_its_own_database(proxy, second_proxy, unique):
    first, second = ProxyAPI(proxy), ProxyAPI(second_proxy)
    assert proxy.url != second_proxy.url
    try:
        first.generate(key_alias=f"{unique}-first")
        second.generate(key_alias=f"{unique}-second")
        assert len(first.keys_with_alias(f"{unique}-first")) == 1
        assert len(second.keys_with_alias(f"{unique}-second")) == 1
        assert first.keys_with_alias(f"{unique}-second") == []
        assert second.keys_with_alias(f"{unique}-first") == []
    finally:
        first.delete_keys(f"{unique}-first")
        second.delete_keys(f"{unique}-second")
