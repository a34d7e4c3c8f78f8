using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>DELETE /v1/b2b/organizations/{organization_id}</c> (id, slug or external id). First the organization is marked
/// deleted with one conditional write (<see cref="OrganizationStore.DeleteAsync"/>): from that moment every session of it
/// is refused (authenticate, exchange and revoke find no organization; list answers organization_not_found), even if the
/// rest never happens. Then its members, sessions and Idempotency-Key records go (every partition it may use), and last
/// its name index rows, which frees its slug and external id. A repeated DELETE (by id, or by a name not yet freed)
/// finishes whatever an interrupted one left and answers 200 again. Expiry index rows of its sessions are left to the
/// sweep, which drops index rows whose session is gone.
/// </summary>
public sealed class DeleteOrganization(OrganizationStore organizations, MemberStore members, ILogger<DeleteOrganization> log)
{
    public async Task<string> RunAsync(string organizationId, CancellationToken ct)
    {
        var organization = await Conflicts.RetryAsync(async _ => await organizations.DeleteAsync(organizationId, ct), ct)
            ?? throw new SessionException(ErrorTypes.OrganizationNotFound);
        var rows = await members.DeleteOrganizationRowsAsync(organization, ct);
        await organizations.DeleteNamesAsync(organization, ct);
        log.LogInformation("Deleted organization {OrganizationId} and {Rows} rows of its members and sessions.", organization.OrganizationId, rows);
        return organization.OrganizationId;
    }
}
