from django.contrib.auth import views as auth_views
from django.urls import include, path

from kefu.core.views import account, audit, auth, departments, home, org, tokens, users

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", home.search, name="search"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/language/", auth.set_language, name="set_language"),
    # 组织架构
    path("settings/units/", org.unit_list, name="unit_list"),
    path("settings/units/new/", org.unit_create, name="unit_create"),
    path("settings/units/<int:unit_id>/edit/", org.unit_edit, name="unit_edit"),
    path("settings/units/<int:unit_id>/move/", org.unit_move, name="unit_move"),
    path("settings/units/<int:unit_id>/active/", org.unit_set_active, name="unit_set_active"),
    # 部门
    path("settings/departments/", departments.department_list, name="department_list"),
    path("settings/departments/new/", departments.department_create, name="department_create"),
    path(
        "settings/departments/<int:department_id>/edit/",
        departments.department_edit,
        name="department_edit",
    ),
    # 用户
    path("settings/users/", users.user_list, name="user_list"),
    path("settings/users/new/", users.user_create, name="user_create"),
    path("settings/users/<int:user_id>/", users.user_detail, name="user_detail"),
    path("settings/users/<int:user_id>/edit/", users.user_edit, name="user_edit"),
    path("settings/users/<int:user_id>/roles/", users.user_role_add, name="user_role_add"),
    path(
        "settings/users/<int:user_id>/roles/<int:assignment_id>/remove/",
        users.user_role_remove,
        name="user_role_remove",
    ),
    path(
        "settings/users/<int:user_id>/departments/",
        users.user_departments,
        name="user_departments",
    ),
    path("settings/users/<int:user_id>/password/", users.user_password, name="user_password"),
    path("settings/users/<int:user_id>/unlock/", users.user_unlock, name="user_unlock"),
    # 审计日志, API 令牌
    path("settings/audit/", audit.audit_list, name="audit_list"),
    path("settings/tokens/", tokens.token_list, name="token_list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("settings/calendars/", include("kefu.core.urls_calendar")),
    path("imports/", include("kefu.core.urls_imports")),
]
