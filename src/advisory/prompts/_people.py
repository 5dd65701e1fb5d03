"""Who lives here and how they are related; who is connected and lives elsewhere."""

from __future__ import annotations

from typing import Any, Final

from advisory.prompts._batch import BatchRows

__all__ = ["Household"]

_PARTNER: Final = "partner_of_parent"
#: The child's other parent, by the words of the parent living here.
_OTHER: Final = {"mother": "father", "father": "mother"}


#: Relationships of the children of the household (the case child and siblings).
_CHILDREN: Final = ("the child", "sibling", "half_sibling")
#: A parent fewer years older than a child than this is named with the age at that birth.
_YOUNGEST_PARENT: Final = 16
#: The note on such a parent's line: the plain fact, and what to do with it.
YOUNG_PARENT: Final = (
    "the {parent} was about {age} at the {child}'s birth: check the records before the visit"
)


class Household:
    """Builds the people of each case's brief from the batch's rows (:class:`BatchRows`)."""

    def __init__(self, rows: BatchRows) -> None:
        self.rows = rows

    def people(
        self, i: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str], dict[str, str]]:
        """Return case ``i``'s household, the people elsewhere, and words and names by person."""
        batch = self.rows
        members = batch.household_of(i)
        parent_rows = [m for m in members if m[1] == "parent"]
        words: dict[str, str] = {}
        for m in members:
            words[m[0]] = m[6]
        # whose partner: the one parent living here, or the one of the other sex
        partner_of: dict[str, str] = {}
        for m in members:
            if m[1] != _PARTNER:
                continue
            candidates = [
                p
                for p in parent_rows
                if len(parent_rows) == 1 or (p[2] is not None and p[2] != m[2])
            ]
            if len(candidates) == 1:
                parent = candidates[0][0]
                partner_of[m[0]] = parent
                words[m[0]] = f"{words[parent]}'s partner"
        others = batch.connected_of(i)
        former: dict[str, str] = {}
        for o in others:
            word = o[6]
            if o[1] == _PARTNER and len(parent_rows) == 1:
                parent = words[parent_rows[0][0]]
                word = f"{parent}'s former partner"
                # not the child's parent (a parent is recorded as one): say so
                former[o[0]] = f"not the child's {_OTHER.get(parent, 'parent')}"
            words.setdefault(o[0], word)
        names = {p: f"{w} {p}" for p, w in words.items()}
        parent_ids = [m[0] for m in parent_rows]
        children = [(m[0], m[3]) for m in members if m[1] in _CHILDREN and m[3] is not None]
        lines, notes = batch.lines, batch.notes
        household = []
        for person, relationship, _, years, age, since, _ in members:
            relation = None
            partners = [p for p, parent in partner_of.items() if parent == person]
            other = next((p for p in parent_ids if p != person), None)
            if relationship == _PARTNER and person in partner_of:
                # whether the partner is the child's parent is not recorded: say so
                # (reader 6: "doesn't say whether the partner is the baby's father")
                parent_word = _OTHER.get(words[partner_of[person]], "parent")
                relation = f"not recorded as the child's {parent_word}"
            elif partners:
                relation = "lives with partner " + " and ".join(partners)
            elif relationship == "parent" and len(parent_ids) == 2 and other is not None:
                if other in partner_of.values():
                    # the other parent lives with a partner: never read as this one's couple
                    relation = f"relationship to the {words[other]} not recorded"
                elif person == parent_ids[0]:
                    relation = f"with the child's {words[other]} {other}"
            person_notes = notes.get((i, person), [])
            if relationship == "parent" and years is not None:
                young = [(c, years - y) for c, y in children if years - y < _YOUNGEST_PARENT]
                if young:
                    # a data error, or something to understand: the plain fact, to check
                    child, at = min(young, key=lambda cy: cy[1])
                    person_notes = [
                        *person_notes,
                        YOUNG_PARENT.format(
                            parent=words[person], age=max(at, 0), child=words[child]
                        ),
                    ]
            household.append(
                {
                    "person_id": person,
                    "relationship": words[person],
                    "age_years": years,
                    "age": age,
                    "member_since": since,
                    "end_date": None,
                    "relation": relation,
                    "records": lines.get((i, person)) or [],
                    "notes": person_notes,
                }
            )
        elsewhere: list[dict[str, Any]] = []
        for person, _, _, years, age, left, _ in others:
            elsewhere.append(
                {
                    "person_id": person,
                    "relationship": words[person],
                    "age_years": years,
                    "age": age,
                    "member_since": None,
                    "end_date": left,
                    "relation": former.get(person),
                    "records": [],
                    "notes": [],
                }
            )
        return household, elsewhere, words, names
