"""Reading reports: .txt, .html with page chrome, .docx; unreadable files."""

import pytest

from chiso.core.checker.inputs import html_to_text, read_document
from chiso.core.errors import ChisoError


def test_txt_is_read_as_utf8_with_or_without_bom(tmp_path):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes("\ufeffHỗ trợ 629 hộ.\n".encode())
    assert read_document(path) == "Hỗ trợ 629 hộ.\n"


def test_txt_is_normalised_to_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    decomposed = "Ho\u0323\u0302 nghe\u0300o"
    path.write_text(decomposed, encoding="utf-8")
    assert read_document(path) == "Hộ nghèo"


def test_txt_that_is_not_utf8_is_unreadable(tmp_path):
    path = tmp_path / "cu.txt"
    path.write_bytes("Hỗ trợ".encode("utf-16"))
    with pytest.raises(ChisoError) as caught:
        read_document(path)
    assert caught.value.code == "check.unreadable"
    assert caught.value.params["path"] == str(path)


def test_missing_and_unsupported_files_are_unreadable(tmp_path):
    with pytest.raises(ChisoError) as missing:
        read_document(tmp_path / "khong-co.txt")
    assert missing.value.code == "check.unreadable"
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ChisoError) as unsupported:
        read_document(pdf)
    assert unsupported.value.code == "check.unreadable"
    assert "'.pdf'" in str(unsupported.value)


PAGE = """<!doctype html><html><head><title>Tin tức</title>
<style>p { color: red }</style><script>var dem = 1263538;</script></head>
<body>
<header><nav><ul><li>Trang chủ</li><li>Tin tức 2023</li></ul></nav></header>
<div class="menu-top">Giới thiệu | Liên hệ 0271.3879</div>
<article>
<h1>Kết quả dân vận chính quyền</h1>
<p>Tỉnh có 1.468 dịch vụ công, trong đó 1.076 dịch vụ công toàn trình<br>và 396 dịch vụ công
một phần.</p>
<p>Hỗ trợ 629 hộ &amp; 48 hộ.</p>
<div class="rating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</div>
</article>
<aside class="sidebar"><div id="thong-ke">Đang truy cập 11 Hôm nay 2,975</div></aside>
<footer>Bản quyền 2023</footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_the_chrome():
    assert html_to_text(PAGE) == (
        "Kết quả dân vận chính quyền\n"
        "Tỉnh có 1.468 dịch vụ công, trong đó 1.076 dịch vụ công toàn trình\n"
        "và 396 dịch vụ công một phần.\n"
        "Hỗ trợ 629 hộ & 48 hộ."
    )


def test_html_without_an_article_drops_boilerplate_blocks(tmp_path):
    page = (
        "<html><body><div class='nav-bar'>Menu 1 2 3</div>"
        "<div class='content'><p>Trao 200 phần quà.</p><p>Cấp 15 kg gạo.</p></div>"
        "<div class='visitor-counter'>Tổng lượt truy cập 1,263,538</div>"
        "<script>x=1</script></body></html>"
    )
    path = tmp_path / "trang.html"
    path.write_text(page, encoding="utf-8")
    assert read_document(path) == "Trao 200 phần quà.\nCấp 15 kg gạo."


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Tổng số 1.468 hồ sơ, gồm đúng hạn 1.076 hồ sơ và quá hạn 396 hồ sơ.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Xã"
    table.cell(0, 1).text = "Số hộ"
    table.cell(1, 0).text = "Lộc Tấn"
    table.cell(1, 1).text = "48 hộ"
    document.add_paragraph("Kết thúc.")
    path = tmp_path / "bao-cao.docx"
    document.save(path)
    assert read_document(path) == (
        "Tổng số 1.468 hồ sơ, gồm đúng hạn 1.076 hồ sơ và quá hạn 396 hồ sơ.\n"
        "Xã\tSố hộ\nLộc Tấn\t48 hộ\nKết thúc."
    )


def test_a_damaged_docx_is_unreadable(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(ChisoError) as caught:
        read_document(path)
    assert caught.value.code == "check.unreadable"
