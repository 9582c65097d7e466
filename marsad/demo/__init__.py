"""The demo corpus that ``marsad demo`` serves: invented outlets, their pages and feeds."""

from marsad.demo.corpus import ANCHOR, DemoArticle, DemoCorpus, Outlet, load_corpus

__all__ = ["ANCHOR", "DemoArticle", "DemoCorpus", "Outlet", "load_corpus"]
