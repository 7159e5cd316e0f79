-- One row per live contact: its owner, tags and companies.
with tags as (
    select link.contact_id, string_agg(distinct tag.name, ', ') as all_tags
    from {{ ref('stg_contact_tag_history') }} as link
    inner join {{ ref('stg_tag') }} as tag on tag.id = link.tag_id
    group by 1
),

companies as (
    select link.contact_id, string_agg(distinct company.name, ', ') as all_companies
    from {{ ref('stg_contact_company_history') }} as link
    inner join {{ ref('stg_company_history') }} as company on company.id = link.company_id
    group by 1
)

select
    contact.id as contact_id,
    contact.name,
    contact.role,
    contact.updated_at,
    owner.name as owner_name,
    tags.all_tags,
    companies.all_companies
from {{ ref('stg_contact_history') }} as contact
left join {{ ref('stg_admin') }} as owner on owner.id = contact.admin_id
left join tags on tags.contact_id = contact.id
left join companies on companies.contact_id = contact.id
