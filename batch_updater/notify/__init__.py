"""Word when a job ends (`--notify`): a card to a Feishu chat or user through the app's bot, or to a
group's custom bot (a webhook). `targets.py` reads the targets, `card.py` builds the card (pure),
`send.py` sends it; run/notifying.py puts them together at the end of a run."""
