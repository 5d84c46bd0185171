"""The user model in admin: superusers change roles and deactivate accounts here.

A role change is an action rather than two boxes to tick, because an educator needs both
staff status and the Educators group; deactivating keeps the learner's records (deleting
would cascade to every attempt) while their password stops working.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from edu_site.models import User
from edu_site.roles import EDUCATORS_GROUP, educator_grant, educator_revoke


@admin.register(User)
class SiteUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    actions = ("make_educators", "make_learners", "deactivate", "reactivate")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role(self, user: User) -> str:
        in_group = any(group.name == EDUCATORS_GROUP for group in user.groups.all())
        if user.is_superuser:
            return "administrator"
        return "educator" if user.is_staff and in_group else "learner"

    @admin.action(description="Make the selected users educators", permissions=["change"])
    def make_educators(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            educator_grant(user)
        messages.success(request, f"{len(queryset)} now educators.")

    @admin.action(description="Make the selected users learners only", permissions=["change"])
    def make_learners(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_superuser=False):
            educator_revoke(user)
        messages.success(request, "The selected users (administrators excepted) are learners.")

    @admin.action(description="Deactivate the selected accounts", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        changed = queryset.exclude(username=request.user.get_username()).update(is_active=False)
        messages.success(request, f"{changed} accounts deactivated; their records are kept.")

    @admin.action(description="Reactivate the selected accounts", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        messages.success(request, f"{queryset.update(is_active=True)} accounts reactivated.")
