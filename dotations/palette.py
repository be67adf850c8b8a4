"""One colour per meaning, on every chart of the portal (issue 12 §9): the legend says it in the same words.

Colours come from the DSFR palette, each at least 3:1 against white; a value is never told by colour alone
(legend text, values on bars and a table of the same figures).
"""

STATUS_COLOURS = {
    "approved": "#18753c",  # approuvé (DSFR success green)
    "paid": "#000091",  # versé (blue France)
    "scheduled": "#716043",  # programmé, pas encore versé (brown)
    "proposed": "#a558a0",  # proposé (purple)
    "computed": "#b34000",  # calculé, non proposé (orange)
}
STATUS_LABELS = {
    "approved": "Approuvé",
    "paid": "Versé",
    "scheduled": "Programmé",
    "proposed": "Proposé",
    "computed": "Calculé, non proposé",
}
