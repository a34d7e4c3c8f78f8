using System.Reflection;
using System.Text.RegularExpressions;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Tests.Unit;

public sealed partial class ErrorStatusTests
{
    [GeneratedRegex("^[a-z]+(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    private static IReadOnlyList<(string Field, ErrorType Type)> Catalog() =>
        [.. typeof(ErrorTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.Name, Assert.IsType<ErrorType>(f.GetValue(null))))];

    private static readonly Dictionary<ErrorKind, int> Expected = new()
    {
        [ErrorKind.BadRequest] = 400,
        [ErrorKind.Unauthorized] = 401,
        [ErrorKind.Forbidden] = 403,
        [ErrorKind.NotFound] = 404,
        [ErrorKind.MethodNotAllowed] = 405,
        [ErrorKind.Conflict] = 409,
        [ErrorKind.UnprocessableEntity] = 422,
        [ErrorKind.LengthRequired] = 411,
        [ErrorKind.PayloadTooLarge] = 413,
        [ErrorKind.UnsupportedMediaType] = 415,
        [ErrorKind.HeadersTooLarge] = 431,
        [ErrorKind.TooManyRequests] = 429,
        [ErrorKind.Internal] = 500,
        [ErrorKind.BadGateway] = 502,
        [ErrorKind.Unavailable] = 503,
    };

    public static TheoryData<ErrorKind> Kinds() => [.. Enum.GetValues<ErrorKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_error_kind_has_its_expected_status(ErrorKind kind)
    {
        Assert.True(Expected.TryGetValue(kind, out var status), $"{kind} is new: add its status to {nameof(Expected)}");
        Assert.Equal(status, ErrorStatus.Of(kind));
    }

    [Fact]
    public void Every_error_kind_has_a_status_of_its_own()
    {
        var kinds = Enum.GetValues<ErrorKind>();

        Assert.Equal(kinds.Length, kinds.Select(ErrorStatus.Of).Distinct().Count());
        Assert.Equal(ErrorKind.Internal, Assert.Single(kinds, k => ErrorStatus.Of(k) == 500));
    }

    [Fact]
    public void An_unknown_kind_is_an_internal_error() => Assert.Equal(500, ErrorStatus.Of((ErrorKind)999));

    [Fact]
    public void The_catalog_is_read_by_reflection()
    {
        var catalog = Catalog();

        Assert.True(catalog.Count >= 30, $"only {catalog.Count} entries found");
        Assert.Contains(catalog, e => e.Field == nameof(ErrorTypes.SessionNotFound));
    }

    [Fact]
    public void Every_catalog_entry_has_a_snake_case_type()
    {
        Assert.All(Catalog(), e => Assert.Matches(SnakeCase(), e.Type.Value));
    }

    [Fact]
    public void Every_catalog_entry_has_a_message()
    {
        Assert.All(Catalog(), e => Assert.False(string.IsNullOrWhiteSpace(e.Type.Message), e.Field));
    }

    [Fact]
    public void Every_catalog_entry_answers_with_a_4xx_or_5xx_status()
    {
        Assert.All(Catalog(), e => Assert.InRange(ErrorStatus.Of(e.Type.Kind), 400, 599));
    }

    [Fact]
    public void Entries_sharing_a_type_differ_in_kind()
    {
        var shared = Catalog().GroupBy(e => e.Type.Value).Where(g => g.Count() > 1);

        Assert.All(shared, g => Assert.Equal(g.Count(), g.Select(e => e.Type.Kind).Distinct().Count()));
    }

    [Fact]
    public void Catalog_entries_are_distinct_objects()
    {
        var entries = Catalog().Select(e => e.Type).ToList();

        Assert.Equal(entries.Count, entries.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void A_session_exception_carries_the_entry_and_its_message_unless_given_one()
    {
        Assert.Equal(ErrorTypes.SessionNotFound.Message, new SessionException(ErrorTypes.SessionNotFound).Message);
        Assert.Equal("more precise", new SessionException(ErrorTypes.SessionNotFound, "more precise").Message);
        Assert.Equal("session_not_found", ErrorTypes.SessionNotFound.ToString());
    }
}
