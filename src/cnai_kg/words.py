"""cnai-kg's own words in its text output (headers, field names), in English, Korean and Chinese.

Labels, quotes and reasons come from the graph in the language asked for; the words
around them (``relations:``, ``source:``, a table's column names) come from here, so
``--lang ko`` prints a Korean card, ranking or evidence chain. :func:`explain` says an
unknown or ambiguous name and a missing path in the language asked for; other errors (a
parser's message, a file that cannot be read) and the progress lines on standard error
stay in English.

Examples
--------
>>> words("ko")["source"], words("zh")["source"], words(None)["source"]
('출처', '来源', 'source')
>>> from cnai_kg.errors import EntityNotFound
>>> explain(EntityNotFound("Ubr", ["Uber"]), "zh")
"未知实体 'Ubr'；相近的名称：Uber"
"""

from __future__ import annotations

from .errors import AmbiguousEntity, EntityNotFound, NoPath
from .terminal import cut, printable

__all__ = ["ERRORS", "WORDS", "explain", "plural", "words"]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # show
        "types": "types",
        "defined_in": "defined in",
        "relations": "relations",
        "referenced_by": "referenced by",
        "this": "this",
        "facts": "facts",
        "definitional": "definitional",
        "source": "source",
        "why": "why",
        "caveat": "caveat",
        # tables
        "rank": "rank",
        "entity": "entity",
        "class": "class",
        "group": "group",
        "score": "score",
        "id": "id",
        "hops": "hops",
        "via": "via",
        "yes": "yes",
        # evidence chains
        "path_n": "path {n} of {total}",
        "path": "path",
        "n_hops": "{n} hop",
        "n_hops_plural": "{n} hops",
        "fact": "fact",
        "roles": "roles",
        "quote": "quote",
        "background": "background knowledge, not from the source",
        "no_evidence": "evidence: none (no statement describes this triple)",
        "proposed": "proposed",
        "alternatives": "(+{n} other fact links these two)",
        "alternatives_plural": "(+{n} other facts link these two)",
        "group_mark": "[group]",
        # neighbours, communities
        "within": "{centre}: {found} within {hops}",
        "n_entities": "{n} entity",
        "n_entities_plural": "{n} entities",
        "smaller": "… and {n} smaller community (--min-size {min_size})",
        "smaller_plural": "… and {n} smaller communities (--min-size {min_size})",
        # queries
        "centrality_head": "{measure} centrality ({how}; {nodes} nodes, {edges} edges; "
        "partnerships {mode}; status {status}{engine})",
        "communities_head": "{method} communities ({params}{nodes} nodes, {edges} edges{engine}): "
        "{k} communities, modularity {q:.3f}",
        "directed": "directed",
        "undirected": "undirected",
        "collapsed": "collapsed",
        "as_nodes": "as nodes",
        "igraph": "; igraph engine",
        "estimated": "estimated from {n} sampled source nodes (seed {seed}); --sample 0 for "
        "exact scores",
        "parameters": "parameters",
        "examples": "examples",
        "optional": "optional",
    },
    "ko": {
        "types": "종류",
        "defined_in": "정의된 파일",
        "relations": "관계",
        "referenced_by": "이 개체를 가리키는 것",
        "this": "이 개체",
        "facts": "사실",
        "definitional": "정의적 사실",
        "source": "출처",
        "why": "이유",
        "caveat": "유의 사항",
        "rank": "순위",
        "entity": "개체",
        "class": "종류",
        "group": "집단",
        "score": "점수",
        "id": "ID",
        "hops": "단계",
        "via": "경로",
        "yes": "예",
        "path_n": "경로 {n}/{total}",
        "path": "경로",
        "n_hops": "{n}단계",
        "n_hops_plural": "{n}단계",
        "fact": "사실",
        "roles": "역할",
        "quote": "인용",
        "background": "배경 지식 (원문에 없음)",
        "no_evidence": "근거: 없음 (이 트리플을 기술하는 진술이 없음)",
        "proposed": "제안",
        "alternatives": "(이 둘을 잇는 다른 사실 {n}개)",
        "alternatives_plural": "(이 둘을 잇는 다른 사실 {n}개)",
        "group_mark": "[집단]",
        "within": "{centre}: {hops} 안의 {found}",
        "n_entities": "개체 {n}개",
        "n_entities_plural": "개체 {n}개",
        "smaller": "… 이보다 작은 커뮤니티 {n}개 (--min-size {min_size})",
        "smaller_plural": "… 이보다 작은 커뮤니티 {n}개 (--min-size {min_size})",
        "centrality_head": "{measure} 중심성 ({how}; 노드 {nodes}개, 엣지 {edges}개; "
        "파트너십 {mode}; 상태 {status}{engine})",
        "communities_head": "{method} 커뮤니티 ({params}노드 {nodes}개, 엣지 {edges}개{engine}): "
        "커뮤니티 {k}개, 모듈성 {q:.3f}",
        "directed": "방향 있음",
        "undirected": "방향 없음",
        "collapsed": "엣지로 축약",
        "as_nodes": "노드로",
        "igraph": "; igraph 엔진",
        "estimated": "표본 출발 노드 {n}개로 추정한 값 (시드 {seed}); 정확한 값은 --sample 0",
        "parameters": "매개변수",
        "examples": "예",
        "optional": "선택",
    },
    "zh": {
        "types": "类别",
        "defined_in": "定义于",
        "relations": "关系",
        "referenced_by": "指向此处",
        "this": "此实体",
        "facts": "事实",
        "definitional": "定义性事实",
        "source": "来源",
        "why": "理由",
        "caveat": "注意事项",
        "rank": "排名",
        "entity": "实体",
        "class": "类别",
        "group": "群体",
        "score": "得分",
        "id": "ID",
        "hops": "步数",
        "via": "路径",
        "yes": "是",
        "path_n": "路径 {n}/{total}",
        "path": "路径",
        "n_hops": "{n} 步",
        "n_hops_plural": "{n} 步",
        "fact": "事实",
        "roles": "角色",
        "quote": "引文",
        "background": "背景知识（并非出自原文）",
        "no_evidence": "证据：无（没有描述该三元组的陈述）",
        "proposed": "建议",
        "alternatives": "(另有 {n} 个事实连接这两者)",
        "alternatives_plural": "(另有 {n} 个事实连接这两者)",
        "group_mark": "[群体]",
        "within": "{centre}：{hops}以内的{found}",
        "n_entities": "实体 {n} 个",
        "n_entities_plural": "实体 {n} 个",
        "smaller": "……以及 {n} 个更小的社区（--min-size {min_size}）",
        "smaller_plural": "……以及 {n} 个更小的社区（--min-size {min_size}）",
        "centrality_head": "{measure} 中心性 ({how}; 节点 {nodes} 个, 边 {edges} 条; "
        "合作{mode}; 状态 {status}{engine})",
        "communities_head": "{method} 社区 ({params}节点 {nodes} 个, 边 {edges} 条{engine}): "
        "社区 {k} 个, 模块度 {q:.3f}",
        "directed": "有向",
        "undirected": "无向",
        "collapsed": "折叠为边",
        "as_nodes": "作为节点",
        "igraph": "; igraph 引擎",
        "estimated": "由 {n} 个抽样源节点估计 (种子 {seed}); 精确值请用 --sample 0",
        "parameters": "参数",
        "examples": "示例",
        "optional": "可选",
    },
}


def words(lang: str | None) -> dict[str, str]:
    """The words of :data:`WORDS` in ``lang`` (English for None or an unknown code)."""
    return WORDS.get(lang or "en", WORDS["en"])


def plural(w: dict[str, str], key: str, n: int, **values) -> str:
    """``w[key]`` (one) or ``w[key + "_plural"]`` (several), filled with ``n`` and ``values``."""
    return w[key if n == 1 else key + "_plural"].format(n=n, **values)


#: Error messages in Korean and Chinese (English is the error's own ``str``).
ERRORS: dict[str, dict[str, str]] = {
    "ko": {
        "unknown": "알 수 없는 개체 {name}",
        "matches": "; 비슷한 이름: {matches}",
        "ambiguous": "모호한 이름 {name}: 여러 개체를 가리킵니다: {matches}",
        "nopath": "경로 없음: {a} → {b}",
        "within": "{n}단계 이내",
        "via": "{v} 경유",
        "avoiding": "{v} 제외",
        "directed": "관계 방향을 따름",
        "sep": "; ",
    },
    "zh": {
        "unknown": "未知实体 {name}",
        "matches": "；相近的名称：{matches}",
        "ambiguous": "名称 {name} 有歧义：它指称 {matches}",
        "nopath": "没有路径：{a} → {b}",
        "within": "{n} 步以内",
        "via": "经由 {v}",
        "avoiding": "避开 {v}",
        "directed": "沿关系方向",
        "sep": "；",
    },
}


def explain(e: Exception, lang: str | None) -> str:
    """The one-line message for error ``e`` in ``lang``.

    Unknown and ambiguous names and missing paths (with their restrictions) are said in
    Korean or Chinese; every other error, and every error in English, is ``str(e)``.
    """
    t = ERRORS.get(lang or "en")
    if t is None:
        return str(e)
    if isinstance(e, AmbiguousEntity):
        matches = ", ".join(printable(m) for m in e.matches)
        return t["ambiguous"].format(name=repr(cut(e.name)), matches=matches)
    if isinstance(e, EntityNotFound):
        text = t["unknown"].format(name=repr(cut(e.name)))
        if e.matches:
            text += t["matches"].format(matches=", ".join(printable(m) for m in e.matches))
        return text
    if isinstance(e, NoPath) and e.ends:
        a, b = e.ends
        text = t["nopath"].format(a=a, b=b)
        limits = [t[kind].format(n=value, v=value) for kind, value in e.limits]
        return text + (f" ({t['sep'].join(limits)})" if limits else "")
    return str(e)
