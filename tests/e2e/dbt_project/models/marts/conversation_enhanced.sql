-- One row per live conversation: its contact, tags, first close and team from its parts.
with latest_contact as (
    select
        conversation_id,
        contact_id,
        row_number() over (
            partition by conversation_id order by conversation_updated_at desc, contact_id
        ) as newest
    from {{ ref('stg_conversation_contact_history') }}
),

tags as (
    select link.conversation_id, string_agg(distinct tag.name, ', ') as all_tags
    from {{ ref('stg_conversation_tag_history') }} as link
    inner join {{ ref('stg_tag') }} as tag on tag.id = link.tag_id
    group by 1
),

parts as (
    select
        conversation_id,
        count(*) as part_count,
        min(case when part_type = 'close' then created_at end) as first_close_at,
        max(case when assigned_to_type = 'team' then assigned_to_id end) as team_id,
        max(case when part_type = 'close' and author_type = 'admin' then author_id end)
            as closed_by_admin_id
    from {{ ref('stg_conversation_part_history') }}
    group by 1
)

select
    conversation.id as conversation_id,
    conversation.created_at,
    conversation.updated_at,
    conversation.state,
    conversation.conversation_rating_value as rating,
    conversation.source_author_id,
    conversation.first_contact_reply_created_at,
    latest_contact.contact_id,
    tags.all_tags,
    parts.part_count,
    parts.first_close_at,
    parts.closed_by_admin_id,
    team.name as team_name,
    admin.name as assignee_name
from {{ ref('stg_conversation_history') }} as conversation
left join latest_contact
    on latest_contact.conversation_id = conversation.id and latest_contact.newest = 1
left join tags on tags.conversation_id = conversation.id
left join parts on parts.conversation_id = conversation.id
left join {{ ref('stg_team') }} as team on team.id = parts.team_id
left join {{ ref('stg_admin') }} as admin on admin.id = conversation.assignee_id
