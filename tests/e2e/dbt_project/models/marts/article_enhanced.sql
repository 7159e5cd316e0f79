-- One row per live article: its collection, parent collection, help center and author.
select
    article.id as article_id,
    article.title,
    article.statistics_views,
    collection.name as collection_name,
    parent.name as parent_collection_name,
    help_center.display_name as help_center_name,
    author.name as author_name
from {{ ref('stg_article_history') }} as article
left join {{ ref('stg_collection_history') }} as collection
    on collection.id = article.collection_id
left join {{ ref('stg_collection_history') }} as parent on parent.id = collection.parent_id
left join {{ ref('stg_help_center_history') }} as help_center
    on help_center.id = collection.help_center_id
left join {{ ref('stg_admin') }} as author on author.id = article.author_id
