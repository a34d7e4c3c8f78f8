using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SessionFunctions.Tests.Host;

/// <summary>
/// The Functions host that scripts/test-host.sh started: its URL, the project's credentials, the stand-in UserInfo
/// provider, the app folder it runs (functions.metadata) and the host's log, where function logging names every
/// function that ran ("Executed 'Functions.Name' (Succeeded, ...)").
/// </summary>
public sealed partial class HostFixture : IDisposable
{
    private static string Setting(string name) => Environment.GetEnvironmentVariable(name) ?? "";

    public string ProjectId { get; } = Setting("SF_HOST_PROJECT_ID");
    public string Secret { get; } = Setting("SF_HOST_SECRET");
    /// <summary>The storage account and table prefix the host's app uses (for a second writer to the same tables).</summary>
    public string Storage { get; } = Setting("SF_HOST_STORAGE");
    public string TablePrefix { get; } = Setting("SF_HOST_TABLE_PREFIX");
    /// <summary>Where the OTLP receiver the host and its worker export to appends every export (protobuf, as sent).</summary>
    public string TelemetryFile { get; } = Setting("SF_HOST_OTLP_FILE");
    public HttpClient Client { get; }
    public HttpClient Anonymous { get; }
    private readonly string _log = Setting("SF_HOST_LOG");
    private readonly string _userInfo = Setting("SF_HOST_USERINFO");

    /// <summary>Functions of the app that are not HTTP-triggered (timers, queues), from its functions.metadata.</summary>
    public IReadOnlyList<string> OtherFunctions { get; }

    public HostFixture()
    {
        var url = Setting("SF_HOST_URL");
        Client = new HttpClient { BaseAddress = url.Length > 0 ? new Uri(url) : null, Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ProjectId}:{Secret}")));
        Anonymous = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var metadata = Path.Combine(Setting("SF_HOST_APP"), "functions.metadata");
        OtherFunctions = File.Exists(metadata)
            ?
            [
                .. from f in JsonDocument.Parse(File.ReadAllText(metadata)).RootElement.EnumerateArray()
                   where !f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger")
                   select f.GetProperty("name").GetString()!,
            ]
            : [];
    }

    /// <summary>A legacy access token for <paramref name="email"/> from the stand-in provider (scripts/dev-userinfo.mjs).</summary>
    public async Task<string> LegacyTokenAsync(string email)
    {
        using var anonymous = new HttpClient();
        using var response = await anonymous.PostAsync($"{_userInfo}/tokens",
            new StringContent(JsonSerializer.Serialize(new { email }), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    public long LogLength => new FileInfo(_log).Length;

    public long TelemetryLength => File.Exists(TelemetryFile) ? new FileInfo(TelemetryFile).Length : 0;

    /// <summary>
    /// The exported telemetry after <paramref name="offset"/>, as text: span names and attribute values are UTF-8 strings
    /// in the protobuf, so a name can be looked for without decoding it.
    /// </summary>
    public string TelemetrySince(long offset)
    {
        if (!File.Exists(TelemetryFile)) return "";
        using var stream = new FileStream(TelemetryFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Encoding.UTF8.GetString(copy.ToArray());
    }

    /// <summary>The functions the host's log says finished after <paramref name="offset"/> (name, succeeded).</summary>
    public List<(string Name, bool Succeeded)> ExecutedSince(long offset)
    {
        using var stream = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        var text = new StreamReader(stream).ReadToEnd();
        return [.. Executed().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value == "Succeeded"))];
    }

    /// <summary>Sends one request and returns the one HTTP function the host ran for it (timer and queue runs are left out).</summary>
    public async Task<(HttpResponseMessage Response, string Function)> SendAsync(HttpRequestMessage request, HttpClient? client = null)
    {
        var offset = LogLength;
        var response = await (client ?? Client).SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        // The host logs "Executed" as the invocation ends; the console logger may write it a moment after the answer.
        for (var i = 0; i < 100; i++)
        {
            var http = ExecutedSince(offset).Where(e => !OtherFunctions.Contains(e.Name)).Select(e => e.Name).ToList();
            if (http.Count > 0)
            {
                await Task.Delay(200);
                http = [.. ExecutedSince(offset).Where(e => !OtherFunctions.Contains(e.Name)).Select(e => e.Name)];
                Assert.True(http.Count == 1, $"{request.Method} {request.RequestUri}: the host ran {string.Join(", ", http)}; expected one function.");
                return (response, http[0]);
            }
            await Task.Delay(100);
        }
        return (response, "(no function)");
    }

    public void Dispose()
    {
        Client.Dispose();
        Anonymous.Dispose();
    }

    [GeneratedRegex(@"Executed 'Functions\.([A-Za-z0-9_]+)' \((Succeeded|Failed)")]
    private static partial Regex Executed();
}
