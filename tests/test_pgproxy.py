"""The test proxy itself: forwards, cuts (refused or dropped), restores on the same port."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pgproxy import TCPProxy, target_of


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": 3},
    )


@pytest.mark.parametrize("refuse", [True, False], ids=["refused", "dropped"])
def test_proxy_forwards_cuts_and_restores(refuse: bool, pg_url: str) -> None:
    with TCPProxy(target_of(pg_url)) as proxy:
        engine = _engine(proxy.rewrite_url(pg_url))
        port = proxy.port
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 41 + 1").scalar() == 42
            proxy.cut(refuse=refuse)
            with pytest.raises(sa.exc.OperationalError):
                conn.exec_driver_sql("SELECT 1").scalar()
        with pytest.raises(sa.exc.OperationalError):
            engine.connect().close()
        proxy.restore()
        assert proxy.port == port
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        engine.dispose()


def test_rewrite_url_keeps_user_and_options() -> None:
    proxy = TCPProxy(("127.0.0.1", 5432), port=6543)
    url = proxy.rewrite_url("postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dx")
    assert url == "postgresql://postgres@127.0.0.1:6543/test?options=-csearch_path%3Dx"
