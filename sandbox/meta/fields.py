"""The `fields=` parameter as Graph reads it: `a,b{c,d},comments.limit(0).summary(true){message}`, nested to any
depth, with modifiers before or after the braces."""

from __future__ import annotations

from dataclasses import dataclass, field


class FieldsError(ValueError):
    pass


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: list[FieldSpec] | None = None


def parse_fields(text: str) -> list[FieldSpec]:
    specs, position = _parse_list(text, 0)
    if position != len(text):
        raise FieldsError(
            f'Syntax error "Expected end of string instead of "{text[position]}"." at character '
            f"{position}: {text}"
        )
    return specs


def _parse_list(text: str, position: int) -> tuple[list[FieldSpec], int]:
    specs: list[FieldSpec] = []
    while position < len(text):
        if text[position] == "}":
            break
        spec, position = _parse_field(text, position)
        if spec is not None:
            specs.append(spec)
        if position < len(text) and text[position] == ",":
            position += 1
    return specs, position


def _parse_field(text: str, position: int) -> tuple[FieldSpec | None, int]:
    start = position
    while position < len(text) and (text[position].isalnum() or text[position] in "_"):
        position += 1
    name = text[start:position].strip()
    spec = FieldSpec(name)
    while position < len(text) and text[position] in ".{ ":
        if text[position] == " ":
            position += 1
        elif text[position] == ".":
            position += 1
            mod_start = position
            while position < len(text) and (text[position].isalnum() or text[position] == "_"):
                position += 1
            modifier = text[mod_start:position]
            if position >= len(text) or text[position] != "(":
                raise FieldsError(f"Syntax error: expected ( after .{modifier} at character {position}")
            end = text.find(")", position)
            if end < 0:
                raise FieldsError(f"Syntax error: unclosed ( at character {position}")
            spec.modifiers[modifier] = text[position + 1 : end]
            position = end + 1
        else:
            children, position = _parse_list(text, position + 1)
            if position >= len(text) or text[position] != "}":
                raise FieldsError(f"Syntax error: unclosed {{ at character {position}")
            spec.children = children
            position += 1
    if not name:
        if position < len(text) and text[position] not in ",}":
            raise FieldsError(f'Syntax error "Expected name" at character {position}: {text}')
        return None, position + (1 if position < len(text) and text[position] not in ",}" else 0)
    return spec, position
