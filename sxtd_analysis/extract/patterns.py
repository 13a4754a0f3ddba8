"""Patterns of the genre: how Vietnamese administrative plans print headings, years, dates, numbers and
agencies. Shared by every stage of the extraction."""

from __future__ import annotations

import re

ROMAN = re.compile(r"^(?:(?:PHẦN|Phần)\s+)?(?P<num>[IVXL]{1,6})\s*[.:)\-–]\s*(?P<title>\S.*)$")
ROMAN_ALONE = re.compile(r"^(?P<num>[IVXL]{1,6})\.?$")
ARABIC = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*[.)](?!\d)\s*(?P<title>\S.*)$")
ARABIC_MULTI = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\s+(?P<title>\S.*)$")
LETTER = re.compile(r"^(?P<num>[a-zđ])\s*[).]\s+(?P<title>\S.*)$")
# list markers that open an item: "-", "+", "•", "1.", "2)", "(3)", "a)"
MARKER = re.compile(r"^(?:[-–—+•*·▪●○◦]+\s*|\(\d{1,2}\)\s*|\d{1,2}[.)](?!\d)\s*|[a-zđ]\)\s*)")
PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*$", re.IGNORECASE)
SEPARATOR = re.compile(r"^[\s_\-–—=*.]{3,}$")

PERIOD = re.compile(r"(?:giai\s+đoạn|thời\s+kỳ|từ\s+năm|từ)\s+(\d{4})\s*(?:-|–|—|đến|tới)\s*(?:năm\s+)?(\d{4})",
                     re.IGNORECASE)
BY_YEAR = re.compile(r"(?:đến|tới|trước|vào|trong|cuối|hết)\s+(?:hết\s+|cuối\s+)?năm\s+(\d{4})", re.IGNORECASE)
IN_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
VISION = re.compile(r"tầm\s+nhìn\s+(?:đến\s+|tới\s+)?(?:năm\s+)?(\d{4})", re.IGNORECASE)
# words that put the subject before the number: "X đạt 85%", "tỷ lệ ... là 50%"
COPULA_BEFORE = re.compile(r"(?:đạt|là|ở\s+mức|lên|bằng|chiếm|còn|xuống|tới)\s*[:(]?\s*$", re.IGNORECASE)

TIMING = re.compile(
    r"^(?:(?:thường\s+xuyên|hàng\s+năm|hằng\s+năm|định\s+kỳ|hàng\s+quý|hằng\s+quý)\b.*"
    r"|(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:[-–—]|đến)\s*(?:năm\s+)?\d{4}\.?"
    r"|(?:năm\s+)?\d{4}\.?"
    r"|(?:trước|sau|trong|đến|từ|cuối|quý\s+[ivx\d]+)\s+(?:năm\s+)?\d{4}.*"
    r"|giai\s+đoạn\s+\d{4}.*)$",
    re.IGNORECASE,
)
TRAILING_TIMING = re.compile(r"^(?P<output>.*?\S)\s+(?P<timing>(?:\d{4}\s*[-–—]\s*)?\d{4})\s*$")
FREQUENCY = re.compile(r"\b(thường\s+xuyên|hàng\s+năm|hằng\s+năm|định\s+kỳ|hàng\s+quý|hằng\s+quý)\b",
                        re.IGNORECASE)
FUNDING = re.compile(r"^(?:ngân\s+sách|nguồn\s+(?:vốn|kinh\s+phí)|kinh\s+phí|vốn)\b", re.IGNORECASE)
LEAD_LABEL = re.compile(r"(?:đơn\s+vị|cơ\s+quan)\s+chủ\s+trì\s*:\s*(?P<lead>[^\n]+?)\s*(?:[-–]\s*(?:đơn\s+vị|"
                         r"cơ\s+quan)\s+phối\s+hợp\s*:|$)", re.IGNORECASE)
PARTNER_LABEL = re.compile(r"(?:đơn\s+vị|cơ\s+quan)\s+phối\s+hợp\s*:\s*(?P<partners>[^\n]+?)\s*(?:[-–]\s*(?:đơn\s+vị|"
                           r"cơ\s+quan)\s+chủ\s+trì\s*:|\.?\s*$)", re.IGNORECASE)
# how the name of a body begins (a cell of the agency columns of a task table)
AGENCY_START = re.compile(
    r"^(?:Sở|SỞ|Ban\s+Quản\s+lý|Ban\s+quản\s+lý|BQL|UBND|Ủy\s+ban|Uỷ\s+ban|Đài|Báo(?!\s+cáo)|Văn\s+phòng|Các\s+[Ss]ở|"
    r"Công\s+an|Bộ\s+Chỉ\s+huy|Bộ|Tỉnh\s+đoàn|Liên\s+minh|Liên\s+đoàn|Cục|Chi\s+cục|Kho\s+bạc|Thanh\s+tra|"
    r"Các\s+cơ\s+quan|Các\s+đơn\s+vị|Các\s+doanh\s+nghiệp|Các\s+tổ\s+chức|Hội\s+(?!nghị|thi|thảo|chợ))(?=\W|$)"
)
HEADER_LABELS = re.compile(r"chủ\s+trì|phối\s+hợp|thời\s+gian|sản\s+phẩm|kết\s+quả|kinh\s+phí|nội\s+dung|"
                            r"ghi\s+chú|nhiệm\s+vụ|\btt\b|\bstt\b", re.IGNORECASE)
DOC_NUMBER = r"\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][A-ZĐa-z0-9]*(?:\s*-\s*[A-ZĐa-z0-9]+)*"
OWN_NUMBER = re.compile(rf"^(?:Số|SỐ)\s*:?\s*(?P<num>{DOC_NUMBER})")
ISSUED_WITH = re.compile(rf"(?:ban\s+hành\s+)?kèm\s+theo\s+(?:kế\s+hoạch|quyết\s+định)\s+số\s*:?\s*"
                          rf"(?P<num>{DOC_NUMBER})(?P<rest>.*)$", re.IGNORECASE)
HEADED_NUMBER = re.compile(rf"^(?:kế\s+hoạch|quyết\s+định)\s+số\s*:?\s*(?P<num>{DOC_NUMBER})(?P<rest>.*)$",
                            re.IGNORECASE)
# "Kế hoạch số 07/KH-UBND ngày 11/01/2021 của UBND tỉnh X" cited in the preamble: the plan this one implements
CITED_PLAN = re.compile(rf"(?P<head>Kế\s+hoạch\s+số\s*:?\s*(?P<num>{DOC_NUMBER})\s+ngày\s+\d{{1,2}}\s*/\s*\d{{1,2}}"
                         rf"\s*/\s*\d{{4}}\s+của\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+"
                         rf"(?:tỉnh|Tỉnh|TỈNH))\s+(?P<where>[^\W\d_][^,.;:()]*)")
DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
DATE_SLASH = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
# "Hà Tĩnh, ngày 15 tháng 12 năm 2020": a place, a comma, the date (alone or after "Số: ..." on its line)
PLACE_DATE = re.compile(r"[^\W\d_][\w\s.]{0,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d", re.IGNORECASE)
PROGRAMME = re.compile(r"\b(\d{2,4})\s*/\s*QĐ\s*-\s*TTg\b", re.IGNORECASE)
PROVINCE_AFTER = re.compile(r"\b(?:tỉnh|Tỉnh|TỈNH|thành\s+phố|Thành\s+phố|THÀNH\s+PHỐ)\s+(?P<name>[^\W\d_][^\s,.;:()]*"
                             r"(?:\s+[^\W\d_][^\s,.;:()]*){0,3})")
PREAMBLE_START = re.compile(r"^(?:Căn\s+cứ|Xét|Thực\s+hiện\s+(?:các\s+)?(?:Quyết|Nghị|Chỉ|Kế|Công|Thông|Luật|"
                             r"Văn\s+bản)|\()", re.IGNORECASE)
SIGNATURE = re.compile(r"^(?:KT\.|TM\.|Q\.)?\s*(?:PHÓ\s+)?CHỦ\s+TỊCH\b")
NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")
