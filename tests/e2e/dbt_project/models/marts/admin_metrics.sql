-- One row per admin and team: conversations the admin closed last.
with closed as (
    select closed_by_admin_id as admin_id, count(*) as conversations_closed, avg(rating) as rating
    from {{ ref('conversation_enhanced') }}
    where closed_by_admin_id is not null
    group by 1
)

select
    admin.id as admin_id,
    admin.name,
    admin.job_title,
    team.id as team_id,
    team.name as team_name,
    coalesce(closed.conversations_closed, 0) as conversations_closed,
    closed.rating as average_rating
from {{ ref('stg_admin') }} as admin
left join {{ ref('stg_team_admin') }} as membership on membership.admin_id = admin.id
left join {{ ref('stg_team') }} as team on team.id = membership.team_id
left join closed on closed.admin_id = admin.id
