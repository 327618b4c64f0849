"""Sentence splitting and list blocks."""

from chiso.core.checker.sentences import group_blocks, split_sentences


def sentences(text):
    return [text[start:end] for start, end in split_sentences(text)]


def test_dots_inside_numbers_do_not_end_a_sentence():
    text = "Tổng kinh phí 2.925.425.000 đồng. Đạt 96% kế hoạch."
    assert sentences(text) == ["Tổng kinh phí 2.925.425.000 đồng.", "Đạt 96% kế hoạch."]


def test_line_breaks_end_sentences_and_blank_lines_are_skipped():
    text = "Dòng một có 5 hộ\n\n  Dòng hai có 6 hộ  \n"
    assert sentences(text) == ["Dòng một có 5 hộ", "Dòng hai có 6 hộ"]


def test_a_lower_case_word_after_a_dot_continues_the_sentence():
    assert sentences("Chuyển đổi số... nhằm nâng cao chất lượng. Tiếp tục") == [
        "Chuyển đổi số... nhằm nâng cao chất lượng.",
        "Tiếp tục",
    ]


def test_abbreviations_do_not_end_a_sentence():
    assert sentences("Tại TP. Hồ Chí Minh và ThS. Nguyễn Văn A có mặt. Hết.") == [
        "Tại TP. Hồ Chí Minh và ThS. Nguyễn Văn A có mặt.",
        "Hết.",
    ]


def test_semicolons_do_not_end_a_sentence_but_question_marks_do():
    assert sentences("Hỗ trợ 5 hộ; cấp 3 thẻ? Có. 12 người dự.") == [
        "Hỗ trợ 5 hộ; cấp 3 thẻ?",
        "Có.",
        "12 người dự.",
    ]


def test_a_header_ending_with_a_colon_takes_its_list_lines():
    text = (
        "Tổng số hồ sơ: 100 hồ sơ, trong đó:\n"
        "- Trực tuyến: 60 hồ sơ;\n"
        "- Trực tiếp: 40 hồ sơ.\n"
        "Kết quả khác.\n"
    )
    spans = split_sentences(text)
    assert group_blocks(text, spans) == [[0, 1, 2], [3]]
