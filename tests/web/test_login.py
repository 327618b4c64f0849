from django.test import Client


def test_anonymous_visitor_is_sent_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_page_has_form_and_stylesheet(db):
    page = Client().get("/login/").content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    assert '<link rel="stylesheet" href="/static/chiso/chiso.css">' in page


def test_login_and_logout(make_user, password):
    make_user("locninh")
    client = Client()
    response = client.post("/login/", {"username": "locninh", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Xin chào, locninh" in client.get("/").content.decode()
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_vietnamese_error(make_user):
    make_user("locninh")
    response = Client().post("/login/", {"username": "locninh", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_login_is_throttled_after_five_failures(make_user, password):
    make_user("locninh")
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "locninh", "password": "sai"})
    locked = client.post("/login/", {"username": "locninh", "password": password})
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_security_headers(db):
    response = Client().get("/login/")
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_static_css_is_served_by_the_app(db):
    response = Client().get("/static/chiso/chiso.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)
