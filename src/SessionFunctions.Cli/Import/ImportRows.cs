using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;

namespace SessionFunctions.Cli.Import;

/// <summary>The input formats: CSV or JSON lines with Stytch's field names, or Auth0's user export (JSON lines).</summary>
public enum ImportFormat { Csv, JsonLines, Auth0 }

/// <summary>One row of the input: its line number and its fields as JSON, or why it could not be read.</summary>
public sealed record ImportRow(long Line, JsonObject? Fields, string? Error);

/// <summary>
/// Streams rows from a file, one at a time (memory stays flat whatever its size), and reports how far into the file it
/// has read (for the progress bar's time left). CSV cells of list or object fields hold JSON (<c>["a","b"]</c>,
/// <c>{"k":1}</c>) or, for lists, values separated by <c>;</c>.
/// </summary>
public sealed class ImportRows(string path, ImportFormat format)
{
    private static readonly HashSet<string> ListFields = ["roles", "email_allowed_domains"];
    private static readonly HashSet<string> JsonFields = ["trusted_metadata", "untrusted_metadata", "rbac_email_implicit_role_assignments"];
    private static readonly HashSet<string> BooleanFields = ["create_member_as_pending", "is_breakglass"];
    private FileStream? _stream;
    private volatile bool _finished;

    public long Length { get; } = new FileInfo(path).Length;

    /// <summary>How far the reader is into the file (read from another thread by the progress display).</summary>
    public long Position
    {
        get
        {
            if (_finished) return Length;
            try { return _stream is { } s ? Math.Min(s.Position, Length) : 0; }
            catch (ObjectDisposedException) { return Length; }
        }
    }

    public static ImportFormat Detect(string path, string? format) => format?.ToLowerInvariant() switch
    {
        "csv" => ImportFormat.Csv,
        "jsonl" or "json" or "ndjson" => ImportFormat.JsonLines,
        "auth0" => ImportFormat.Auth0,
        null => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? ImportFormat.Csv : ImportFormat.JsonLines,
        var other => throw new ArgumentException($"--format must be csv, jsonl or auth0, not '{other}'."),
    };

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var stream = _stream;
        using var reader = new StreamReader(stream);
        var rows = format == ImportFormat.Csv ? ReadCsvAsync(reader, ct) : ReadJsonLinesAsync(reader, ct);
        await foreach (var row in rows)
            yield return format == ImportFormat.Auth0 && row.Fields is { } fields ? row with { Fields = FromAuth0(fields) } : row;
        _finished = true;
    }

    private static async IAsyncEnumerable<ImportRow> ReadJsonLinesAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        long line = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            ImportRow row;
            try
            {
                row = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject o
                    ? new ImportRow(line, o, null)
                    : new ImportRow(line, null, "not a JSON object");
            }
            catch (JsonException e) { row = new ImportRow(line, null, "not JSON: " + e.Message); }
            yield return row;
        }
    }

    private static async IAsyncEnumerable<ImportRow> ReadCsvAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null });
        if (!await csv.ReadAsync()) yield break;
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        while (await csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            // The line the row starts on: RawRow is the last line read, and a quoted cell may span lines.
            var line = csv.Parser.RawRow - csv.Parser.RawRecord.AsSpan().TrimEnd("\r\n").Count('\n');
            ImportRow row;
            try
            {
                var fields = new JsonObject();
                for (var i = 0; i < header.Length; i++)
                    if (csv.GetField(i) is { Length: > 0 } cell) fields[header[i]] = Cell(header[i], cell);
                row = new ImportRow(line, fields, null);
            }
            catch (JsonException e) { row = new ImportRow(line, null, "a cell is not JSON: " + e.Message); }
            yield return row;
        }
    }

    private static JsonNode? Cell(string column, string cell) =>
        JsonFields.Contains(column) || ListFields.Contains(column) && cell.StartsWith('[') ? JsonNode.Parse(cell)
        : ListFields.Contains(column) ? new JsonArray([.. cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode)v)])
        : BooleanFields.Contains(column) ? JsonValue.Create(bool.TryParse(cell, out var b) ? b : throw new JsonException($"{column} must be true or false"))
        : JsonValue.Create(cell);

    /// <summary>
    /// An Auth0 user export line (<c>user_id</c>, <c>email</c>, <c>name</c>, <c>app_metadata</c>, <c>user_metadata</c>...)
    /// as a member row: the Auth0 user id becomes the member's external_id, app_metadata its trusted_metadata and
    /// user_metadata its untrusted_metadata.
    /// </summary>
    private static JsonObject FromAuth0(JsonObject user)
    {
        var member = new JsonObject();
        void Copy(string from, string to) { if (user[from] is { } v) member[to] = v.DeepClone(); }
        Copy("email", "email_address");
        Copy("name", "name");
        Copy("user_id", "external_id");
        Copy("app_metadata", "trusted_metadata");
        Copy("user_metadata", "untrusted_metadata");
        return member;
    }
}
