"""The one way the local runtime patches a library (_swap): what it replaces comes back exactly on undo."""

from imagegate.local.runtime import _swap


class _Base:
    def greet(self) -> str:
        return "base"


class _Child(_Base):
    @staticmethod
    def kind() -> str:
        return "child"


def test_an_own_staticmethod_comes_back_as_it_was_and_an_inherited_name_shows_again():
    # Given a class's own staticmethod and a method it only inherits
    own = vars(_Child)["kind"]
    # When both are swapped
    undo = _swap((_Child, "kind", staticmethod(lambda: "patched")), (_Child, "greet", lambda self: "patched"))
    # Then the replacements answer
    assert _Child.kind() == "patched" and _Child().greet() == "patched"
    # And after the undo the class holds its own staticmethod again and no copy of the inherited method
    undo()
    assert vars(_Child)["kind"] is own
    assert "greet" not in vars(_Child) and _Child().greet() == "base"
