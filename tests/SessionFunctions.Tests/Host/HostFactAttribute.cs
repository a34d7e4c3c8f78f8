namespace SessionFunctions.Tests.Host;

/// <summary>
/// A test against a running Azure Functions host (scripts/test-host.sh starts one and sets SF_HOST_URL). Without it the
/// test is skipped: CI cannot build the host, and keeps the functions.metadata tests (Functions/) instead.
/// </summary>
public sealed class HostFactAttribute : FactAttribute
{
    public HostFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SF_HOST_URL")))
            Skip = "Needs a running Functions host: SF_HOST_DIR=<host folder> bash scripts/test-host.sh";
    }
}
