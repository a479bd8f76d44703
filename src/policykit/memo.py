"""What :mod:`functools` gives the modules a cold start loads (``lru_cache``, ``cache``,
``cached_property``, ``partial``), made from its C part, ``_functools``, without importing
:mod:`functools`, which loads :mod:`collections`, :mod:`types`, :mod:`reprlib` and the
rest: with :mod:`re`, :mod:`enum` and :mod:`json`, some 8 ms of a ~30 ms
``policykit evaluate FILE`` that uses none of them.

- :func:`lru_cache` and :func:`cache` are ``functools``' own C cache
  (``_functools._lru_cache_wrapper``, the same hits, misses and order of eviction), with
  the wrapped function's name, documentation and ``__wrapped__`` as ``update_wrapper``
  copies them; ``cache_info()`` gives the same four numbers as a plain tuple.
- :class:`cached_property` computes a value on first access and keeps it in the
  instance's ``__dict__``, as ``functools.cached_property`` does (without its lock: no
  record here is shared between threads while it is being made).
- :data:`partial` is ``functools.partial`` (the same C class).

Type checkers read the ``functools`` forms (``TYPE_CHECKING``).  ``tests/test_memo.py``
holds these to :mod:`functools`.
"""

from __future__ import annotations

from _functools import _lru_cache_wrapper  # type: ignore[import-not-found]
from _functools import partial as partial

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from functools import cache as cache
    from functools import cached_property as cached_property
    from functools import lru_cache as lru_cache
    from typing import Any
else:

    def _info(hits: int, misses: int, maxsize: int | None, currsize: int) -> tuple[int, int, int | None, int]:
        return (hits, misses, maxsize, currsize)

    def lru_cache(maxsize: int | None = 128, typed: bool = False) -> Callable[[Callable[..., Any]], Any]:
        """``functools.lru_cache(maxsize, typed)`` (the decorator form with arguments)."""

        def decorating(function: Callable[..., Any]) -> Any:
            wrapper = _lru_cache_wrapper(function, maxsize, typed, _info)
            for name in ("__module__", "__name__", "__qualname__", "__doc__"):
                try:
                    setattr(wrapper, name, getattr(function, name))
                except AttributeError:
                    pass
            wrapper.__dict__.update(getattr(function, "__dict__", {}))
            wrapper.__wrapped__ = function
            wrapper.cache_parameters = lambda: {"maxsize": maxsize, "typed": typed}
            return wrapper

        return decorating

    def cache(function: Callable[..., Any]) -> Any:
        """``functools.cache``: an unbounded :func:`lru_cache`."""
        return lru_cache(maxsize=None)(function)

    class cached_property:
        """``functools.cached_property``: the value of ``function`` worked out on first
        access and kept in the instance's ``__dict__`` (which then answers)."""

        def __init__(self, function: Callable[[Any], Any]) -> None:
            self.func = function
            self.attrname: str | None = None
            self.__doc__ = function.__doc__
            self.__module__ = function.__module__

        def __set_name__(self, owner: type, name: str) -> None:
            if self.attrname is None:
                self.attrname = name
            elif name != self.attrname:
                raise TypeError(
                    f"Cannot assign the same cached_property to two different names ({self.attrname!r} and {name!r})."
                )

        def __get__(self, instance: Any, owner: type | None = None) -> Any:
            if instance is None:
                return self
            if self.attrname is None:
                raise TypeError("Cannot use cached_property instance without calling __set_name__ on it.")
            value = self.func(instance)
            instance.__dict__[self.attrname] = value
            return value
