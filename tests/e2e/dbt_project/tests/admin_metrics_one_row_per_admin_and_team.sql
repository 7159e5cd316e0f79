-- Rows returned fail the test: an (admin, team) pair listed twice.
select admin_id, team_id, count(*) as n
from {{ ref('admin_metrics') }}
group by 1, 2
having count(*) > 1
