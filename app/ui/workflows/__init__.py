"""The three support workflows' screens: each module registers its case tab (see
:mod:`app.ui.case.extra`) and may add pages or dialogs of its own."""
