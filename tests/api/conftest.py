import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def viewer_api(viewer) -> APIClient:
    return _token_client(viewer)


@pytest.fixture
def analyst_api(analyst) -> APIClient:
    return _token_client(analyst)


@pytest.fixture
def admin_api(admin_user) -> APIClient:
    return _token_client(admin_user)


@pytest.fixture
def editor_api(editor) -> APIClient:
    return _token_client(editor)
