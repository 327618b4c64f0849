import pytest

pytestmark = pytest.mark.browser


def test_anonymous_root_shows_styled_login_page(server, page, shot):
    page.goto(server + "/")
    assert page.url == f"{server}/login/?next=/"
    assert page.locator("h1").inner_text() == "Đăng nhập"
    # The stylesheet loaded: the top bar has the brand colour.
    colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert colour == "rgb(179, 38, 30)"
    shot(page, "login")


def test_wrong_password_then_admin_logs_in(server, page, login, shot):
    login(page, "admin", "sai-mat-khau")
    assert "mật khẩu chính xác" in page.locator(".error").inner_text()
    shot(page, "login-error")
    login(page, "admin")
    assert page.url == f"{server}/"
    assert "Xin chào, Quản trị hệ thống" in page.locator("h1").inner_text()
    shot(page, "home-admin")


def test_language_switch_to_english_and_back(server, page):
    page.goto(server + "/login/")
    page.click("form.lang button[value=en]")
    assert page.locator("h1").inner_text() == "Log in"
    page.click("form.lang button[value=vi]")
    assert page.locator("h1").inner_text() == "Đăng nhập"
