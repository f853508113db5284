import pytest


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client
