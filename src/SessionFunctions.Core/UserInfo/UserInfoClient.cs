using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Core.UserInfo;

/// <summary>The claims migrate uses from the legacy provider's UserInfo response.</summary>
public sealed record UserInfoResult(string Email, string? Subject, string? Name = null);

/// <summary>
/// Calls the legacy provider's OIDC UserInfo endpoint (<c>GET</c>, <c>Authorization: Bearer &lt;legacy token&gt;</c>).
/// A token the provider rejects (400, 401, 403) is the caller's problem: 400. A provider that is slow, unreachable,
/// throttling or failing is not: 503 or 502, which a client may retry. Redirects are not followed (the typed client's
/// handler is registered with <c>AllowAutoRedirect = false</c>): a 3xx is a 502, so the token goes to the configured
/// address and nowhere else. The legacy token is never logged.
/// </summary>
public sealed class UserInfoClient(HttpClient http, ILogger<UserInfoClient> log, ProviderBudgets? budgets = null)
{
    private readonly ProviderBudgets _budgets = budgets ?? new ProviderBudgets(TimeProvider.System);

    public const int MaxResponseBytes = 64 * 1024;

    public async Task<UserInfoResult> GetAsync(LegacyProvider provider, string legacyToken, CancellationToken ct)
    {
        if (provider.UserInfoUrl is null)
            throw new SessionException(ErrorTypes.InvalidTrustedAuthToken, "The organization's legacy provider vouches only by signature: send a JWT it signed (naming its issuer).");
        _budgets.Acquire(provider); // over budget, or the provider said to wait: refused before any call
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(provider.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, provider.UserInfoUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", legacyToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        RequestCosts.AddUserInfoCall();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if ((int)response.StatusCode == 429)
            {
                log.LogWarning("UserInfo endpoint of provider {Provider} answered HTTP 429: no calls until its Retry-After.", provider.Name);
                throw new SessionException(ErrorTypes.MigrateProviderUnavailable, ProviderBudgets.ThrottledMessage)
                {
                    RetryAfter = _budgets.Throttled(provider, response.Headers.RetryAfter),
                };
            }
            if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode);
            var body = await ReadLimitedAsync(response.Content, timeout.Token);
            return Parse(body, provider.EmailClaim, provider.EmailVerifiedRequired);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("UserInfo endpoint of provider {Provider} did not answer within {Timeout}.", provider.Name, provider.Timeout);
            throw new SessionException(ErrorTypes.MigrateProviderUnavailable, $"The UserInfo endpoint did not answer within {provider.Timeout.TotalSeconds:0.###} s. Please retry.");
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("UserInfo endpoint of provider {Provider} could not be reached: {Error}", provider.Name, e.HttpRequestError);
            throw new SessionException(ErrorTypes.MigrateProviderUnavailable);
        }
    }

    private SessionException Failure(HttpStatusCode status)
    {
        var code = (int)status;
        log.LogInformation("UserInfo endpoint answered HTTP {Status}.", code);
        return code switch
        {
            400 or 401 or 403 => new SessionException(ErrorTypes.MigrateTokenRejected, $"The external provider rejected the session token (UserInfo answered HTTP {code})."),
            502 or 503 or 504 => new SessionException(ErrorTypes.MigrateProviderUnavailable, $"The external provider is unavailable (UserInfo answered HTTP {code}). Please retry."),
            _ => new SessionException(ErrorTypes.MigrateProviderError, $"The external provider's UserInfo endpoint answered HTTP {code}."),
        };
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxResponseBytes) throw TooLarge();
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static SessionException TooLarge() =>
        new(ErrorTypes.MigrateProviderError, $"The UserInfo response is larger than {MaxResponseBytes / 1024} KB.");

    /// <summary>
    /// Reads the email from <paramref name="emailClaim"/> and checks <c>email_verified</c>: it must be JSON <c>true</c> or
    /// the string <c>"true"</c> (exactly; Cognito sends strings). Any other value (<c>false</c>, <c>null</c>, <c>0</c>,
    /// <c>"TRUE"</c>, <c>"yes"</c>) is refused; an absent claim is refused unless the provider is configured
    /// <c>Trusted</c>. The email must then be a valid address (<see cref="EmailAddress.IsValid"/>), or it is
    /// <c>invalid_email</c>.
    /// </summary>
    internal static UserInfoResult Parse(byte[] body, string emailClaim = "email", bool emailVerifiedRequired = true)
    {
        JsonDocument document;
        // A claim given twice could mean either value ({"email_verified":false,"email_verified":true}): refuse the answer.
        try { document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException) { throw new SessionException(ErrorTypes.MigrateProviderError, "The UserInfo response is not JSON without repeated names."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SessionException(ErrorTypes.MigrateProviderError, "The UserInfo response is not a JSON object.");
            if (!root.TryGetProperty(emailClaim, out var email) || email.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(email.GetString()))
                throw new SessionException(ErrorTypes.MigrateMissingEmail);
            var verified = root.TryGetProperty("email_verified", out var claim)
                ? IsTrue(claim)
                : !emailVerifiedRequired;
            if (!verified) throw new SessionException(ErrorTypes.MigrateUnverifiedEmail);
            // Taken as the provider sent it: only ASCII spaces and tabs around it are trimmed, and an address holding
            // any other white space, control or format character is refused, never folded into another member's.
            if (!EmailAddress.IsValid(email.GetString()))
                throw new SessionException(ErrorTypes.InvalidEmail, "The external provider's UserInfo email is not a valid address (only ASCII spaces and tabs around it are ignored).");
            var subject = root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return new UserInfoResult(email.GetString()!, subject, name);
        }
    }

    private static bool IsTrue(JsonElement value) =>
        value.ValueKind == JsonValueKind.True
        || value.ValueKind == JsonValueKind.String && value.ValueEquals("true"u8);
}
