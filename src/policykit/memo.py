"""What :mod:`functools` gives the modules a cold start loads (``lru_cache``, ``cache``,
``cached_property``, ``partial``), made from its C part, ``_functools``, without importing
:mod:`functools`, which loads :mod:`collections`, :mod:`types`, :mod:`reprlib` and the
rest: with :mod:`re`, :mod:`enum` and :mod:`json`, some 8 ms of a ~30 ms
``policykit evaluate FILE`` that uses none of them.

- :func:`lru_cache` and :func:`cache` are ``functools``' own C cache
  (``_functools._lru_cache_wrapper``, the same hits, misses and order of eviction), with
  the wrapped function's name, documentation, annotations and ``__wrapped__`` as
  ``update_wrapper`` copies them, bare (``@lru_cache``) or with arguments; ``cache_info()``
  gives the same four numbers, each also by name.
- :class:`cached_property` computes a value on first access and keeps it in the
  instance's ``__dict__``, as ``functools.cached_property`` does from Python 3.12 (3.11's
  also takes a lock: two threads reading it first at once may each work it out, and the
  value one of them kept stays).
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

    class _CacheInfo(tuple):
        """``functools``' ``CacheInfo``: (hits, misses, maxsize, currsize), each also by name."""

        __slots__ = ()

        def __new__(cls, hits: int, misses: int, maxsize: int | None, currsize: int) -> _CacheInfo:
            return tuple.__new__(cls, (hits, misses, maxsize, currsize))

        hits = property(lambda self: self[0])
        misses = property(lambda self: self[1])
        maxsize = property(lambda self: self[2])
        currsize = property(lambda self: self[3])

    def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
        """``functools.lru_cache``: ``@lru_cache(maxsize, typed)``, or ``@lru_cache`` bare."""
        if callable(maxsize) and isinstance(typed, bool):  # @lru_cache without arguments
            return lru_cache(128, typed)(maxsize)

        def decorating(function: Callable[..., Any]) -> Any:
            wrapper = _lru_cache_wrapper(function, maxsize, typed, _CacheInfo)
            for name in ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__"):
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
            try:
                kept = instance.__dict__
            except AttributeError:  # a class with __slots__: as functools words it
                name = type(instance).__name__
                raise TypeError(
                    f"No '__dict__' attribute on {name!r} instance to cache {self.attrname!r} property."
                ) from None
            value = kept[self.attrname] = self.func(instance)
            return value
