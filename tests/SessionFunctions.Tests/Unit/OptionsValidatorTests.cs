using Microsoft.Extensions.Options;
using SessionFunctions.Api;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Tests.Unit;

public sealed class OptionsValidatorTests
{
    private static IReadOnlyList<string> Failures<T>(IValidateOptions<T> validator, T options) where T : class
    {
        var result = validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        Assert.False(result.Skipped);
        return result.Failed ? [.. result.Failures!] : [];
    }

    private static void AssertFails<T>(IValidateOptions<T> validator, T options, string setting) where T : class
    {
        var failures = Failures(validator, options);
        Assert.Contains(failures, f => f.Contains(setting, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.Matches(@"\b(Sessions|Storage|Signing|Sweep|Api)__[A-Za-z_]+", f));
    }

    // ---- Sessions --------------------------------------------------------------------------------------------

    private static SessionsOptions ValidSessions() => new()
    {
        ProjectId = "project-test-6f9619ff-8b86-d011-b42d-00c04fc964ff",
        ProjectSecret = "secret-test-0123456789abcdef",
        UserInfoUrl = "https://legacy.example.com/userinfo",
    };

    [Fact]
    public void Valid_sessions_settings_pass()
    {
        Assert.Empty(Failures(new SessionsOptionsValidator(), ValidSessions()));
        var live = ValidSessions();
        live.ProjectId = "project-live-abc123";
        live.ProjectSecret = new string('s', 16);
        live.UserInfoUrl = "http://127.0.0.1:7070/userinfo";
        live.UserInfoTimeout = TimeSpan.FromMinutes(1);
        Assert.Empty(Failures(new SessionsOptionsValidator(), live));
    }

    [Theory]
    [InlineData("", "Sessions__ProjectId")]
    [InlineData("   ", "Sessions__ProjectId")]
    [InlineData("proj-test-1", "Sessions__ProjectId")]
    [InlineData("project-test-1 ", "Sessions__ProjectId")]
    [InlineData("project_test_1", "Sessions__ProjectId")]
    [InlineData("project-test-\u00e9", "Sessions__ProjectId")]
    public void A_bad_project_id_is_named(string projectId, string setting)
    {
        var o = ValidSessions();
        o.ProjectId = projectId;
        AssertFails(new SessionsOptionsValidator(), o, setting);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fifteen-chars!!")]
    public void A_missing_or_short_project_secret_is_named(string secret)
    {
        var o = ValidSessions();
        o.ProjectSecret = secret;
        AssertFails(new SessionsOptionsValidator(), o, "Sessions__ProjectSecret");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/userinfo")]
    [InlineData("legacy.example.com/userinfo")]
    [InlineData("ftp://legacy.example.com/userinfo")]
    [InlineData("file:///etc/passwd")]
    public void A_missing_or_non_http_userinfo_url_is_named(string url)
    {
        var o = ValidSessions();
        o.UserInfoUrl = url;
        AssertFails(new SessionsOptionsValidator(), o, "Sessions__UserInfoUrl");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    [InlineData(60_001)]
    public void A_userinfo_timeout_outside_1_ms_to_1_minute_is_named(int milliseconds)
    {
        var o = ValidSessions();
        o.UserInfoTimeout = TimeSpan.FromMilliseconds(milliseconds);
        AssertFails(new SessionsOptionsValidator(), o, "Sessions__UserInfoTimeout");
    }

    [Fact]
    public void Every_sessions_problem_is_reported_at_once()
    {
        var failures = Failures(new SessionsOptionsValidator(), new SessionsOptions { UserInfoTimeout = TimeSpan.Zero });

        Assert.Equal(4, failures.Count);
        foreach (var setting in new[] { "Sessions__ProjectId", "Sessions__ProjectSecret", "Sessions__UserInfoUrl", "Sessions__UserInfoTimeout" })
            Assert.Single(failures, f => f.StartsWith(setting, StringComparison.Ordinal));
    }

    // ---- Storage ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("UseDevelopmentStorage=true", null, "")]
    [InlineData(" usedevelopmentstorage=TRUE ", null, "")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", null, "sf")]
    [InlineData(null, "https://acct.table.core.windows.net", "Run42")]
    [InlineData("", "https://acct.table.core.windows.net", "")]
    public void Valid_storage_settings_pass(string? connectionString, string? tableServiceUri, string prefix)
    {
        var o = new StorageOptions { ConnectionString = connectionString, TableServiceUri = tableServiceUri is null ? null : new Uri(tableServiceUri), TablePrefix = prefix };
        Assert.Empty(Failures(new StorageOptionsValidator(), o));
    }

    [Fact]
    public void Storage_without_a_connection_string_or_table_uri_names_both_settings()
    {
        var failure = Assert.Single(Failures(new StorageOptionsValidator(), new StorageOptions { ConnectionString = " " }));

        Assert.Contains("Storage__ConnectionString", failure);
        Assert.Contains("Storage__TableServiceUri", failure);
    }

    [Theory]
    [InlineData("not a connection string")]
    [InlineData("UseDevelopmentStorage=false")]
    [InlineData("AccountKey=abc;EndpointSuffix=core.windows.net")]
    [InlineData("AccountName=acct;=value")]
    public void A_malformed_connection_string_is_named(string connectionString) =>
        AssertFails(new StorageOptionsValidator(), new StorageOptions { ConnectionString = connectionString }, "Storage__ConnectionString");

    [Fact]
    public void A_relative_table_uri_is_named() =>
        AssertFails(new StorageOptionsValidator(), new StorageOptions { TableServiceUri = new Uri("tables/here", UriKind.Relative) }, "Storage__TableServiceUri");

    [Theory]
    [InlineData("1abc")]
    [InlineData("run-42")]
    [InlineData("run_42")]
    [InlineData("r\u00e9")]
    [InlineData("a234567890123456789012345678901234567890X")]
    public void A_bad_table_prefix_is_named(string prefix) =>
        AssertFails(new StorageOptionsValidator(), new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", TablePrefix = prefix }, "Storage__TablePrefix");

    [Fact]
    public void A_table_prefix_of_40_characters_passes() =>
        Assert.Empty(Failures(new StorageOptionsValidator(), new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", TablePrefix = "a" + new string('9', 39) }));

    // ---- Signing ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(".local/signing-key.pem", null)]
    [InlineData("", "https://myvault.vault.azure.net/keys/session-signing")]
    [InlineData("", "https://myvault.vault.azure.net/keys/session-signing/0123456789abcdef0123456789abcdef")]
    [InlineData("", "http://127.0.0.1:8443/keys/session-signing")]
    public void Valid_signing_settings_pass(string localKeyPath, string? keyVaultKeyId)
    {
        var o = new SigningOptions { LocalKeyPath = localKeyPath, KeyVaultKeyId = keyVaultKeyId is null ? null : new Uri(keyVaultKeyId) };
        Assert.Empty(Failures(new SigningOptionsValidator(), o));
    }

    [Fact]
    public void Signing_without_a_local_key_path_or_key_vault_key_names_both_settings()
    {
        var failure = Assert.Single(Failures(new SigningOptionsValidator(), new SigningOptions { LocalKeyPath = " " }));

        Assert.Contains("Signing__LocalKeyPath", failure);
        Assert.Contains("Signing__KeyVaultKeyId", failure);
    }

    [Theory]
    [InlineData("http://myvault.vault.azure.net/keys/session-signing")]
    [InlineData("https://myvault.vault.azure.net/secrets/session-signing")]
    [InlineData("https://myvault.vault.azure.net/keys")]
    [InlineData("https://myvault.vault.azure.net/")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/not-a-version")]
    [InlineData("https://myvault.vault.azure.net/keys/session_signing")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/0123456789abcdef0123456789abcdef/extra")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing?api-version=7.4")]
    public void A_malformed_key_vault_key_id_is_named(string keyId) =>
        AssertFails(new SigningOptionsValidator(), new SigningOptions { KeyVaultKeyId = new Uri(keyId) }, "Signing__KeyVaultKeyId");

    [Fact]
    public void A_relative_key_vault_key_id_is_named() =>
        AssertFails(new SigningOptionsValidator(), new SigningOptions { KeyVaultKeyId = new Uri("keys/session-signing", UriKind.Relative) }, "Signing__KeyVaultKeyId");

    [Theory]
    [InlineData(-1)]
    [InlineData(3651)]
    public void A_rotation_overlap_outside_0_to_3650_days_is_named(int days) =>
        AssertFails(new SigningOptionsValidator(), new SigningOptions { RotationOverlapDays = days }, "Signing__RotationOverlapDays");

    [Theory]
    [InlineData(0)]
    [InlineData(3650)]
    public void A_rotation_overlap_of_0_or_3650_days_passes(int days) =>
        Assert.Empty(Failures(new SigningOptionsValidator(), new SigningOptions { RotationOverlapDays = days }));

    [Fact]
    public void A_key_refresh_interval_under_a_second_is_named()
    {
        AssertFails(new SigningOptionsValidator(), new SigningOptions { KeyRefreshInterval = TimeSpan.FromMilliseconds(999) }, "Signing__KeyRefreshInterval");
        Assert.Empty(Failures(new SigningOptionsValidator(), new SigningOptions { KeyRefreshInterval = TimeSpan.FromSeconds(1) }));
    }

    // ---- Sweep -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0 */5 * * * *", 8)]
    [InlineData("0 0 0 1 1 *", 1)]
    [InlineData("*/10 * * * * *", 64)]
    public void Valid_sweep_settings_pass(string schedule, int parallelism) =>
        Assert.Empty(Failures(new SweepOptionsValidator(), new SweepOptions { Schedule = schedule, Parallelism = parallelism }));

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("")]
    [InlineData("every five minutes")]
    [InlineData("0 */5 * * * * *")]
    [InlineData("61 * * * * *")]
    public void A_schedule_that_is_not_six_field_ncrontab_is_named(string schedule)
    {
        var failures = Failures(new SweepOptionsValidator(), new SweepOptions { Schedule = schedule });

        var failure = Assert.Single(failures);
        Assert.StartsWith("Sweep__Schedule", failure);
        Assert.Contains($"'{schedule}'", failure);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void A_parallelism_outside_1_to_64_is_named(int parallelism) =>
        AssertFails(new SweepOptionsValidator(), new SweepOptions { Parallelism = parallelism }, "Sweep__Parallelism");

    // ---- Api -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1024)]
    [InlineData(64 * 1024)]
    [InlineData(16 * 1024 * 1024)]
    public void A_request_body_limit_from_1_KB_to_16_MB_passes(int bytes) =>
        Assert.Empty(Failures(new ApiOptionsValidator(), new ApiOptions { MaxRequestBodyBytes = bytes }));

    [Theory]
    [InlineData(1023)]
    [InlineData(0)]
    [InlineData(16 * 1024 * 1024 + 1)]
    public void A_request_body_limit_outside_1_KB_to_16_MB_is_named(int bytes) =>
        AssertFails(new ApiOptionsValidator(), new ApiOptions { MaxRequestBodyBytes = bytes }, "Api__MaxRequestBodyBytes");

    [Theory]
    [InlineData(1023)]
    [InlineData(61441)]
    public void A_request_header_limit_outside_1_KB_to_60_KB_is_named(int bytes) =>
        AssertFails(new ApiOptionsValidator(), new ApiOptions { MaxRequestHeaderBytes = bytes }, "Api__MaxRequestHeaderBytes");

    [Fact]
    public void Negative_rate_limits_are_named_and_zero_turns_them_off()
    {
        AssertFails(new ApiOptionsValidator(), new ApiOptions { RateLimit = new RateLimitOptions { ProjectPermits = -1 } }, "Api__RateLimit__ProjectPermits");
        AssertFails(new ApiOptionsValidator(), new ApiOptions { RateLimit = new RateLimitOptions { ClientPermits = -1 } }, "Api__RateLimit__ClientPermits");
        Assert.Empty(Failures(new ApiOptionsValidator(), new ApiOptions { RateLimit = new RateLimitOptions { ProjectPermits = 0, ClientPermits = 0 } }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3_600_001)]
    public void A_rate_limit_window_outside_1_ms_to_1_hour_is_named(int milliseconds) =>
        AssertFails(new ApiOptionsValidator(), new ApiOptions { RateLimit = new RateLimitOptions { Window = TimeSpan.FromMilliseconds(milliseconds) } }, "Api__RateLimit__Window");

    [Fact]
    public void The_defaults_of_every_optional_section_pass()
    {
        Assert.Empty(Failures(new SigningOptionsValidator(), new SigningOptions()));
        Assert.Empty(Failures(new SweepOptionsValidator(), new SweepOptions()));
        Assert.Empty(Failures(new ApiOptionsValidator(), new ApiOptions()));
    }
}
