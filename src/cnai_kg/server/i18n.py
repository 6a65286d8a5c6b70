"""The explorer's own words in English, Korean and Chinese (data labels come from the graph)."""

from __future__ import annotations

from ..errors import AmbiguousEntity, EntityNotFound, NoPath, QueryRefused, QueryTimeout

__all__ = ["FORMAT_NAMES", "TEXT", "explain"]

FORMAT_NAMES = {
    "csv": "CSV",
    "tsv": "TSV",
    "json": "SPARQL JSON",
    "xml": "SPARQL XML",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
}

TEXT = {
    "en": {
        "site": "cnai-kg explorer",
        "home": "Home",
        "query": "Query",
        "path": "Path finder",
        "search": "Search",
        "search_placeholder": "Any name, in any language",
        "holds": "What the graph holds",
        "triples": "triples",
        "files": "files",
        "entities": "entities",
        "facts": "facts",
        "hubs": "China's three AI hubs",
        "companies": "Companies",
        "partnerships": "Partnerships",
        "entry_graph": "Companies, hubs, cities and partnerships",
        "open_graph": "Open the graph on its own page",
        "kinds": "Entities by kind",
        "examples": "Named queries",
        "editor": "SPARQL",
        "params": "Parameters",
        "optional": "optional",
        "run": "Run",
        "rows": "rows",
        "showing": "showing the first",
        "download": "Download",
        "show_graph": "Show as graph",
        "hide_graph": "Hide the graph",
        "answer": "Answer",
        "labels": "Labels",
        "aliases": "Also called",
        "types": "Kind",
        "relations": "Relations",
        "incoming": "Pointing here",
        "facts_title": "Facts, with their sources",
        "quote": "Quote",
        "caveat": "Caveat",
        "source": "Source",
        "source_text": "Text",
        "with_definitional": "Also through definitional facts (background knowledge)",
        "passages": "Quoted passages",
        "not_registered": "The text of this document is not registered in this workspace; "
        "register it with 'cnai-kg source add FILE' to see every passage in its place.",
        "page": "p. {n}",
        "not_in_text": "not found in the registered text",
        "version": "version {n}",
        "cited_by": "Facts",
        "definitional": "Definitional",
        "neighbourhood": "Neighbourhood",
        "defined_in": "Defined in",
        "from": "From",
        "to": "To",
        "find": "Find",
        "chain": "Evidence chain",
        "hops": "hops",
        "no_results": "Nothing found.",
        "did_you_mean": "Did you mean",
        "error": "Error",
        "endpoint": "SPARQL endpoint",
        "partners": "Partners and roles",
        "partnership": "Partnership",
        "partner": "Partner",
        "role": "Role",
        "open_page": "Open its page",
        "required": "required",
        "needs_params": "Fill in {names}, then press Run.",
        "param_kinds": {
            "entity": "entity",
            "string": "text",
            "integer": "integer",
            "decimal": "decimal",
            "lang": "language tag",
        },
        "no_graph_role": "A partner role is not a node of the network: it is drawn on the edges "
        "between partners and their partnerships. The partners who hold it, and in which "
        "partnership, are listed above.",
        "no_graph_scheme": "A vocabulary (a concept scheme): no fact links it to other "
        "entities. Its terms are listed under “Pointing here”.",
        "no_graph_source": "A source document: the facts quote its excerpts, and no fact links "
        "the document itself to other entities, so there is no neighbourhood to draw.",
        "no_graph": "No fact links this entity to another entity of the network, so there is "
        "no neighbourhood to draw.",
        "err_unknown": "No entity is named {name}.",
        "err_ambiguous": "Several entities are named {name} ({matches}); give a CURIE instead.",
        "err_matches": "Closest names: {matches}.",
        "err_nopath": "No chain of facts links {a} and {b}.",
        "err_outside": "{name} is not in the network that paths go through (a partner role, "
        "a vocabulary or a source document is not), so no path starts or ends there.",
        "err_timeout": "The query was stopped at its time limit of {seconds:g} s; narrow it "
        "(connect the patterns, bound the property paths, add LIMIT).",
        "err_refused": None,
        "err_query": None,
        "err_too_big": "The query is over the limit of {limit:,} bytes.",
        "lang_names": {"en": "English", "ko": "한국어", "zh": "中文"},
    },
    "ko": {
        "site": "cnai-kg 탐색기",
        "home": "홈",
        "query": "질의",
        "path": "경로 찾기",
        "search": "검색",
        "search_placeholder": "아무 언어로 된 이름",
        "holds": "그래프에 담긴 것",
        "triples": "트리플",
        "files": "파일",
        "entities": "개체",
        "facts": "사실",
        "hubs": "중국의 3대 AI 허브",
        "companies": "기업",
        "partnerships": "파트너십",
        "entry_graph": "기업, 허브, 도시와 파트너십",
        "open_graph": "그래프를 별도 페이지에서 열기",
        "kinds": "종류별 개체",
        "examples": "이름 있는 질의",
        "editor": "SPARQL",
        "params": "매개변수",
        "optional": "선택",
        "run": "실행",
        "rows": "행",
        "showing": "처음 표시 행 수:",
        "download": "내려받기",
        "show_graph": "그래프로 보기",
        "hide_graph": "그래프 숨기기",
        "answer": "답",
        "labels": "레이블",
        "aliases": "다른 이름",
        "types": "종류",
        "relations": "관계",
        "incoming": "이 개체를 가리키는 것",
        "facts_title": "사실과 그 출처",
        "quote": "인용",
        "caveat": "주의",
        "source": "출처",
        "source_text": "본문",
        "with_definitional": "정의적 사실(배경 지식)도 거치기",
        "passages": "인용된 구절",
        "not_registered": "이 문서의 본문은 이 작업 공간에 등록되어 있지 않습니다. "
        "'cnai-kg source add FILE'로 등록하면 구절마다 본문 속 위치가 표시됩니다.",
        "page": "{n}쪽",
        "not_in_text": "등록된 본문에서 찾지 못함",
        "version": "버전 {n}",
        "cited_by": "사실",
        "definitional": "정의상 사실",
        "neighbourhood": "주변",
        "defined_in": "정의된 파일",
        "from": "출발",
        "to": "도착",
        "find": "찾기",
        "chain": "근거 사슬",
        "hops": "단계",
        "no_results": "찾은 것이 없습니다.",
        "did_you_mean": "혹시 이것을 찾으셨나요",
        "error": "오류",
        "endpoint": "SPARQL 엔드포인트",
        "partners": "파트너와 역할",
        "partnership": "파트너십",
        "partner": "파트너",
        "role": "역할",
        "open_page": "이 개체의 페이지 열기",
        "required": "필수",
        "needs_params": "{names} 값을 채운 뒤 실행을 누르세요.",
        "param_kinds": {
            "entity": "개체",
            "string": "문자열",
            "integer": "정수",
            "decimal": "소수",
            "lang": "언어 태그",
        },
        "no_graph_role": "파트너 역할은 네트워크의 노드가 아니라 파트너와 파트너십을 잇는 엣지에 "
        "표시됩니다. 이 역할을 맡은 파트너와 그 파트너십은 위의 표에 있습니다.",
        "no_graph_scheme": "분류 체계(개념 체계)입니다. 어떤 사실도 이것을 다른 개체와 잇지 "
        "않습니다. 그 용어들은 ‘이 개체를 가리키는 것’에 있습니다.",
        "no_graph_source": "출처 문서입니다. 사실들은 이 문서의 발췌를 인용할 뿐, 문서 자체를 "
        "다른 개체와 잇는 사실은 없어 그릴 주변이 없습니다.",
        "no_graph": "이 개체를 네트워크의 다른 개체와 잇는 사실이 없어 그릴 주변이 없습니다.",
        "err_unknown": "다음 이름의 개체가 없습니다: {name}",
        "err_ambiguous": "여러 개체가 이 이름을 씁니다: {name} ({matches}). CURIE로 지정하세요.",
        "err_matches": "비슷한 이름: {matches}",
        "err_nopath": "{a} → {b}: 두 개체를 잇는 사실의 사슬이 없습니다.",
        "err_outside": "{name}: 경로가 지나는 네트워크에 없는 개체(파트너 역할, 분류 체계, 출처 "
        "문서 등)라 경로의 출발점이나 도착점이 될 수 없습니다.",
        "err_timeout": "질의가 제한 시간 {seconds:g}초 안에 끝나지 않아 멈췄습니다. 패턴을 "
        "연결하거나 속성 경로를 제한하거나 LIMIT을 붙여 좁혀 보세요.",
        "err_refused": "이 탐색기는 읽기 전용이며 불러온 그래프에만 답합니다. 업데이트, LOAD, "
        "SERVICE, FROM은 허용되지 않습니다. 자세한 설명(영어): {detail}",
        "err_query": "질의를 실행할 수 없습니다. 자세한 설명(영어): {detail}",
        "err_too_big": "질의가 {limit:,}바이트 제한을 넘습니다.",
        "lang_names": {"en": "English", "ko": "한국어", "zh": "中文"},
    },
    "zh": {
        "site": "cnai-kg 浏览器",
        "home": "首页",
        "query": "查询",
        "path": "路径查找",
        "search": "搜索",
        "search_placeholder": "任何语言的名称",
        "holds": "图谱内容",
        "triples": "三元组",
        "files": "文件",
        "entities": "实体",
        "facts": "事实",
        "hubs": "中国三大人工智能中心",
        "companies": "企业",
        "partnerships": "合作",
        "entry_graph": "企业、中心、城市与合作",
        "open_graph": "在单独页面中打开图",
        "kinds": "按类别的实体",
        "examples": "命名查询",
        "editor": "SPARQL",
        "params": "参数",
        "optional": "可选",
        "run": "运行",
        "rows": "行",
        "showing": "显示前",
        "download": "下载",
        "show_graph": "以图显示",
        "hide_graph": "隐藏图",
        "answer": "答案",
        "labels": "标签",
        "aliases": "别名",
        "types": "类别",
        "relations": "关系",
        "incoming": "指向此处",
        "facts_title": "事实及其来源",
        "quote": "引文",
        "caveat": "注意",
        "source": "来源",
        "source_text": "正文",
        "with_definitional": "也经由定义性事实（背景知识）",
        "passages": "被引用的段落",
        "not_registered": "本文档的正文未在此工作区登记；用 'cnai-kg source add FILE' 登记后，"
        "每个段落都会在正文中标出。",
        "page": "第 {n} 页",
        "not_in_text": "在登记的正文中未找到",
        "version": "版本 {n}",
        "cited_by": "事实",
        "definitional": "定义性事实",
        "neighbourhood": "邻域",
        "defined_in": "定义于",
        "from": "起点",
        "to": "终点",
        "find": "查找",
        "chain": "证据链",
        "hops": "步",
        "no_results": "未找到。",
        "did_you_mean": "您是否要找",
        "error": "错误",
        "endpoint": "SPARQL 端点",
        "partners": "合作方及其角色",
        "partnership": "合作",
        "partner": "合作方",
        "role": "角色",
        "open_page": "打开其页面",
        "required": "必填",
        "needs_params": "请填写 {names}，然后点击运行。",
        "param_kinds": {
            "entity": "实体",
            "string": "字符串",
            "integer": "整数",
            "decimal": "小数",
            "lang": "语言标记",
        },
        "no_graph_role": "合作方角色不是网络中的节点：它标在合作方与合作之间的边上。担任该角色的"
        "合作方及其所在的合作列于上方。",
        "no_graph_scheme": "这是一个分类体系（概念体系）：没有任何事实将其与其他实体相连。"
        "其术语列于“指向此处”之下。",
        "no_graph_source": "这是一份来源文档：事实引用的是其摘录，没有任何事实将文档本身与其他"
        "实体相连，因此没有可绘制的邻域。",
        "no_graph": "没有任何事实将该实体与网络中的其他实体相连，因此没有可绘制的邻域。",
        "err_unknown": "没有名为 {name} 的实体。",
        "err_ambiguous": "多个实体使用名称 {name}（{matches}）；请改用 CURIE 指定。",
        "err_matches": "相近的名称：{matches}。",
        "err_nopath": "{a} → {b}：没有连接这两个实体的事实链。",
        "err_outside": "{name} 不在路径所经过的网络中（合作方角色、分类体系和来源文档都不在其中），"
        "因此不能作为路径的起点或终点。",
        "err_timeout": "查询在 {seconds:g} 秒的时限内未完成，已停止。请连接各模式、限制属性路径"
        "或加上 LIMIT 以缩小范围。",
        "err_refused": "本浏览器只读，只回答已加载的图谱：不允许更新、LOAD、SERVICE 和 FROM。"
        "详细说明（英文）：{detail}",
        "err_query": "无法执行该查询。详细说明（英文）：{detail}",
        "err_too_big": "查询超过了 {limit:,} 字节的上限。",
        "lang_names": {"en": "English", "ko": "한국어", "zh": "中文"},
    },
}


def explain(e: Exception, lang: str, *, matches: bool = True, timeout: float | None = None) -> str:
    """What a page says about error ``e``, in ``lang``.

    Unknown and ambiguous names, missing paths and time limits are said in the page's
    language; for other errors (a SPARQL syntax error, a refused query) Korean and
    Chinese pages frame the English detail the parser or the check gave, saying it is
    English. ``matches``: append the closest names (pages that do not list them).
    """
    t = TEXT[lang]
    if isinstance(e, AmbiguousEntity):
        return t["err_ambiguous"].format(name=repr(e.name), matches=", ".join(e.matches))
    if isinstance(e, EntityNotFound):
        text = t["err_unknown"].format(name=repr(e.name))
        if matches and e.matches:
            text += " " + t["err_matches"].format(matches=", ".join(e.matches))
        return text
    if isinstance(e, NoPath) and getattr(e, "ends", None):
        a, b = e.ends
        return t["err_nopath"].format(a=a, b=b)
    if getattr(e, "outside", None):
        return " ".join(t["err_outside"].format(name=name) for name in e.outside)
    if isinstance(e, QueryTimeout) and timeout is not None:
        return t["err_timeout"].format(seconds=timeout)
    key = "err_refused" if isinstance(e, QueryRefused) else "err_query"
    detail = " ".join(str(e).split())
    return t[key].format(detail=detail) if t[key] else detail
