-- One row per live company, with its plan and tags.
with tags as (
    select link.company_id, string_agg(distinct tag.name, ', ') as all_tags
    from {{ ref('stg_company_tag_history') }} as link
    inner join {{ ref('stg_tag') }} as tag on tag.id = link.tag_id
    group by 1
)

select
    company.id as company_id,
    company.name,
    company.plan_name,
    company.monthly_spend,
    company.user_count,
    tags.all_tags
from {{ ref('stg_company_history') }} as company
left join tags on tags.company_id = company.id
