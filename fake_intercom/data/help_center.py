"""The help center: two help centers, nested collections and articles with translations."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.ids import WORKSPACE_ID
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import words


class HelpCenterRecords(DatasetState):
    def _make_help_centers(self) -> list[dict[str, Any]]:
        return [
            {
                "id": str(79 + k),
                "workspace_id": WORKSPACE_ID,
                "created_at": 1600000000 + k * 999,
                "updated_at": 1700000000 + k * 12345,
                "identifier": ["help", "docs"][k],
                "website_turned_on": k == 0,
                "display_name": ["Help Center", "Developer Docs 📚"][k],
                "url": f"https://help.example.test/{['help', 'docs'][k]}",
                "custom_domain": "help.example.test" if k == 0 else None,
            }
            for k in range(2)
        ]

    def _make_collections(self) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:collections")
        out = []
        for k in range(14):
            parent = None if k < 5 else str(159 + (k % 5 if k < 10 else 5 + k % 5))
            c = 1500000000 + int(r.random() * 2e8)
            out.append(
                {
                    "id": str(159 + k),
                    "workspace_id": WORKSPACE_ID,
                    "name": f"Collection {k}" + (" — Überblick" if k == 3 else ""),
                    "description": None if k % 4 == 0 else f"About topic {k}",
                    "created_at": c,
                    "updated_at": c + int(r.random() * 5e7),
                    "url": f"https://help.example.test/help/en/collections/{159 + k}",
                    "icon": None if k % 3 else "book-bookmark",
                    "order": k % 5 + 1,
                    "default_locale": "en",
                    "translated_content": None
                    if k % 2
                    else {
                        "type": "group_translated_content",
                        "en": {
                            "type": "group_content",
                            "name": f"Collection {k}",
                            "description": f"About topic {k}",
                        },
                        "fr": {
                            "type": "group_content",
                            "name": f"Collection {k} (fr)",
                            "description": "À propos",
                        },
                    },
                    "parent_id": parent,
                    "help_center_id": (79 + k % 2) if parent is None else None,
                }
            )
        return out

    def _make_articles(self) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:articles")
        out = []
        for k in range(40):
            c = 1500000000 + int(r.random() * 2.5e8)
            u = c + int(r.random() * 2e7)
            parent = 159 + k % 14 if k % 6 else None
            state = "published" if k % 5 else "draft"
            aid = str(3300000 + k)
            en = {
                "type": "article_content",
                "title": f"How to {words(r, 3)}",
                "description": f"Article {k}",
                "body": f"<p>{words(r, 40)}</p>",
                "author_id": int(self.admins[k % 3]["id"]),
                "state": state,
                "created_at": c,
                "updated_at": u,
                "url": f"https://help.example.test/help/en/articles/{aid}",
            }
            tc: dict[str, Any] = {"type": "article_translated_content", "en": en}
            if k % 3 == 0:
                tc["fr"] = dict(
                    en,
                    title=f"Comment {k}",
                    body="<p>Déjà vu — français</p>",
                    url=en["url"].replace("/en/", "/fr/"),
                )
                tc["pt-BR"] = dict(
                    en,
                    title=f"Como {k}",
                    body="<p>Olá 👋</p>",
                    url=en["url"].replace("/en/", "/pt-BR/"),
                )
            out.append(
                {
                    "type": "article",
                    "id": aid,
                    "workspace_id": WORKSPACE_ID,
                    "title": en["title"],
                    "description": en["description"] if k % 4 else None,
                    "body": en["body"],
                    "author_id": en["author_id"],
                    "state": state,
                    "created_at": c,
                    "updated_at": u,
                    "url": en["url"] if state == "published" else None,
                    "parent_id": parent,
                    "parent_ids": [parent] if parent else [],
                    "parent_type": "collection" if parent else None,
                    "default_locale": "en",
                    "translated_content": tc,
                    "tags": {
                        "type": "tag.list",
                        "tags": [
                            {"type": "tag", "id": t["id"], "name": t["name"]}
                            for t in self.tags[k % 4 : k % 4 + k % 3]
                        ],
                    },
                }
            )
        out.sort(key=lambda a: (-a["updated_at"], a["id"]))
        return out
