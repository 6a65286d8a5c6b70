"""Load the ontology and data into an external SPARQL store (``cnai-kg publish``).

Each file goes into its own named graph through the SPARQL 1.1 Graph Store
Protocol (one HTTP ``PUT`` per file, which replaces that graph), so publishing
twice leaves the store as publishing once did. Every file is parsed before
anything is sent: a broken file stops the run with its file and line, and the
store is left untouched. A triple held by two files goes to the first one's
graph only, as in the embedded store, so the union of the graphs is a set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import resources
from .io import parse_rdf
from .remote import DEFAULT_TIMEOUT, Endpoint, display_name, graph_iri

__all__ = ["Published", "publish"]


@dataclass(frozen=True)
class Published:
    """One file sent to the store."""

    file: str
    graph: str
    triples: int


def _files(extra: tuple[str | Path, ...], shipped: bool) -> list[Path]:
    files = list(resources.ontology_files())
    if shipped:
        files += resources.graph_files()
    return files + [Path(f) for f in extra]


def publish(
    store_url: str,
    *files: str | Path,
    shipped: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Published]:
    """Put the ontology, the shipped data and ``files`` into a store, one named graph each.

    Parameters
    ----------
    store_url : the store's Graph Store Protocol URL (Oxigraph ``http://HOST:7878/store``,
        Fuseki ``http://HOST:3030/DATASET/data``)
    *files : your own RDF files, published beside the shipped ones
    shipped : include the shipped ``graph/`` data (the ontology is always published)
    timeout : seconds to wait for each answer

    Returns
    -------
    list of Published, in the order sent

    Raises
    ------
    DataError
        a file cannot be read or parsed (nothing has been sent)
    EndpointError
        the store cannot be reached, refuses the credentials or answers with an error
    """
    endpoint = Endpoint(store_url=store_url, timeout=timeout)
    parsed = [(display_name(path), parse_rdf(path)) for path in _files(files, shipped)]
    done, seen = [], set()
    for name, graph in parsed:
        # a triple an earlier file holds stays there only, so the union is a set (as in the
        # embedded store) even where a store repeats a triple held by two graphs
        own = Graph()
        for triple in graph:
            if triple not in seen:
                own.add(triple)
                seen.add(triple)
        endpoint.put_graph(graph_iri(name), own.serialize(format="nt", encoding="utf-8"))
        done.append(Published(name, graph_iri(name), len(own)))
    return done
