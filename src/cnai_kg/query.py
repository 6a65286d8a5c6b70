"""SPARQL over the knowledge graph: safe execution, parameters, result formats.

This module re-exports :mod:`cnai_kg.sparql` (split by job into ``library``,
``safety``, ``results`` and ``run``), the older import path.

The one entry point is :func:`run_query` (``kg.query(...)`` calls it). It

* predeclares the project's prefixes (:data:`cnai_kg.namespaces.PREFIXES`), so
  short queries need no ``PREFIX`` lines;
* refuses, after parsing the query into SPARQL algebra, anything that would
  reach outside the loaded graph or change it: ``SERVICE``, ``FROM`` /
  ``FROM NAMED``, ``LOAD`` and every other SPARQL Update (:class:`QueryRefused`);
* binds parameters as RDF terms through rdflib's ``initBindings`` (never by
  pasting text into the query); a parameter declared as an ``entity`` takes
  any label or alias in any language and is resolved with ``kg.resolve``;
* stops a runaway query after ``timeout`` seconds (:class:`QueryTimeout`) and
  leaves the graph as it was;
* optionally answers over the RDFS or OWL-RL closure (``reason=``, see
  :mod:`cnai_kg.reason`).

SELECT and ASK give :class:`Rows` (labels in any language, ``to_dataframe()``,
the W3C CSV, TSV, JSON and XML result formats); CONSTRUCT and DESCRIBE give
:class:`Triples` (Turtle, N-Triples, JSON-LD).

Named queries are ``.rq`` files shipped in ``cnai_kg/queries/``, each opening
with a header of comment lines::

    # title: Companies and other organisations per AI hub and city
    # description: ...
    # param hub: entity cnai:AIHub, optional -- the hub, by any label or alias
    # example: cnai-kg query --name companies-by-hub --param hub=주강삼각주

Parameter kinds: ``entity [CLASS]`` (a name, CURIE or IRI, resolved to an
IRI; with CLASS it must be an instance of it), ``string``, ``integer``,
``decimal`` and ``lang`` (a language tag; when left out it is the label
language of the run). Ad-hoc queries may carry the same header.

Examples
--------
>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> rows = kg.query("SELECT ?company WHERE { ?company cnai:basedIn ?hub } ORDER BY ?company",
...                 hub=kg.resolve("주강삼각주"))
>>> [kg.label(r.company, "ko") for r in rows]
['화웨이', '텐센트']
>>> kg.query("companies-by-hub", hub="珠三角").labelled("en")[0]["organisation"]
'Huawei'
"""

from __future__ import annotations

from .sparql import *  # noqa: F403
from .sparql import __all__  # noqa: F401
from .sparql.results import _render_table  # noqa: F401
from .sparql.safety import _POOL  # noqa: F401
