using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Json;

namespace SessionFunctions.Tests.Unit;

public sealed class CustomClaimsTests
{
    private static JsonObject Obj(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static string Merge(string current, string? update) =>
        CustomClaims.Serialize(CustomClaims.Merge(Obj(current), update is null ? null : Obj(update)));

    [Fact]
    public void A_key_with_a_value_is_set()
    {
        Assert.Equal("""{"a":1,"b":"x"}""", Merge("""{"a":1}""", """{"b":"x"}"""));
        Assert.Equal("""{"a":2}""", Merge("""{"a":1}""", """{"a":2}"""));
    }

    [Fact]
    public void A_key_with_null_is_removed()
    {
        Assert.Equal("""{"b":2}""", Merge("""{"a":1,"b":2}""", """{"a":null}"""));
    }

    [Fact]
    public void Removing_a_key_that_does_not_exist_changes_nothing()
    {
        Assert.Equal("""{"b":2}""", Merge("""{"b":2}""", """{"a":null}"""));
    }

    [Fact]
    public void No_update_returns_the_current_claims()
    {
        Assert.Equal("""{"a":{"b":1}}""", Merge("""{"a":{"b":1}}""", null));
    }

    [Fact]
    public void Nested_objects_merge_recursively()
    {
        Assert.Equal(
            """{"o":{"x":1,"y":3,"p":{"keep":true,"deep":2,"new":3},"z":4}}""",
            Merge("""{"o":{"x":1,"y":2,"p":{"keep":true,"deep":1}}}""", """{"o":{"y":3,"z":4,"p":{"deep":2,"new":3}}}"""));
    }

    [Fact]
    public void A_null_inside_a_nested_update_removes_that_nested_key()
    {
        Assert.Equal("""{"o":{"x":1,"p":{}}}""", Merge("""{"o":{"x":1,"y":2,"p":{"q":1}}}""", """{"o":{"y":null,"p":{"q":null}}}"""));
    }

    [Fact]
    public void A_null_inside_a_newly_set_object_is_dropped()
    {
        Assert.Equal("""{"o":{"b":1,"p":{"d":2}}}""", Merge("{}", """{"o":{"a":null,"b":1,"p":{"c":null,"d":2}}}"""));
    }

    [Fact]
    public void An_object_replacing_a_scalar_is_set_without_its_nulls()
    {
        Assert.Equal("""{"o":{"b":1}}""", Merge("""{"o":5}""", """{"o":{"a":null,"b":1}}"""));
    }

    [Fact]
    public void A_scalar_replaces_an_object()
    {
        Assert.Equal("""{"o":"flat"}""", Merge("""{"o":{"a":1}}""", """{"o":"flat"}"""));
    }

    [Fact]
    public void Arrays_are_replaced_not_merged()
    {
        Assert.Equal("""{"roles":["c"]}""", Merge("""{"roles":["a","b"]}""", """{"roles":["c"]}"""));
        Assert.Equal("""{"o":{"list":[{"y":2}]}}""", Merge("""{"o":{"list":[{"x":1},{"z":3}]}}""", """{"o":{"list":[{"y":2}]}}"""));
    }

    [Theory]
    [InlineData("iss")]
    [InlineData("sub")]
    [InlineData("aud")]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("iat")]
    [InlineData("jti")]
    [InlineData("https://stytch.com/session")]
    [InlineData("https://stytch.com/organization")]
    [InlineData("https://stytch.com/anything")]
    public void Reserved_claims_are_ignored_not_refused(string name)
    {
        var update = new JsonObject { [name] = "forged", ["kept"] = 1 };

        var merged = CustomClaims.Merge([], update);

        Assert.Equal("""{"kept":1}""", CustomClaims.Serialize(merged));
        Assert.True(CustomClaims.IsReserved(name));
    }

    [Fact]
    public void Reserved_claims_cannot_be_deleted_with_null_either()
    {
        Assert.Equal("""{"iss":"stored"}""", Merge("""{"iss":"stored"}""", """{"iss":null}"""));
    }

    [Theory]
    [InlineData("ISS")]
    [InlineData("issuer")]
    [InlineData("https://stytch.com")]
    [InlineData("http://stytch.com/session")]
    [InlineData("https://example.com/session")]
    [InlineData("role")]
    public void Names_that_only_resemble_reserved_claims_are_kept(string name)
    {
        Assert.False(CustomClaims.IsReserved(name));
        Assert.True(CustomClaims.Merge([], new JsonObject { [name] = 1 }).ContainsKey(name));
    }

    [Fact]
    public void Reserved_names_inside_nested_objects_are_ordinary_keys()
    {
        Assert.Equal("""{"o":{"iss":"x"}}""", Merge("{}", """{"o":{"iss":"x"}}"""));
    }

    [Fact]
    public void Neither_input_is_modified()
    {
        const string current = """{"a":1,"o":{"x":1,"y":2},"gone":true}""";
        const string update = """{"a":2,"o":{"y":null,"z":{"n":null,"m":1}},"gone":null,"iss":"x","list":[1,2]}""";
        var currentNode = Obj(current);
        var updateNode = Obj(update);

        var merged = CustomClaims.Merge(currentNode, updateNode);
        ((JsonObject)merged["o"]!)["added-after"] = 1;
        ((JsonArray)merged["list"]!).Add(3);

        Assert.Equal(Obj(current).ToJsonString(), currentNode.ToJsonString());
        Assert.Equal(Obj(update).ToJsonString(), updateNode.ToJsonString());
    }

    [Fact]
    public void Claims_of_exactly_4096_bytes_are_accepted()
    {
        var update = new JsonObject { ["k"] = new string('x', 4096 - """{"k":""}""".Length) };

        var merged = CustomClaims.Merge([], update);

        Assert.Equal(4096, Encoding.UTF8.GetByteCount(CustomClaims.Serialize(merged)));
    }

    [Fact]
    public void Claims_of_4097_bytes_are_refused_as_too_large()
    {
        var update = new JsonObject { ["k"] = new string('x', 4097 - """{"k":""}""".Length) };

        var e = Assert.Throws<SessionException>(() => CustomClaims.Merge([], update));

        Assert.Equal("custom_claims_too_large", e.Type.Value);
        Assert.Same(ErrorTypes.CustomClaimsTooLarge, e.Type);
    }

    [Fact]
    public void The_size_limit_counts_utf8_bytes_not_characters()
    {
        // 2045 two-byte characters: about 2053 characters of JSON but 4098 bytes.
        var update = new JsonObject { ["k"] = new string('\u00e9', 2045) };

        var e = Assert.Throws<SessionException>(() => CustomClaims.Merge([], update));

        Assert.Equal("custom_claims_too_large", e.Type.Value);
    }

    [Fact]
    public void The_size_limit_applies_to_the_merged_claims_not_only_the_update()
    {
        var current = new JsonObject { ["old"] = new string('x', 3000) };
        var update = new JsonObject { ["new"] = new string('y', 1100) };

        Assert.Equal("custom_claims_too_large", Assert.Throws<SessionException>(() => CustomClaims.Merge(current, update)).Type.Value);
        Assert.Single(CustomClaims.Merge(current, new JsonObject { ["old"] = null, ["new"] = new string('y', 1100) }));
    }

    [Fact]
    public void Deeply_nested_claims_are_refused_as_unrepresentable()
    {
        var e = Assert.Throws<SessionException>(() => CustomClaims.Merge([], Nested(objects: 20, leaf: JsonValue.Create(1))));

        Assert.Equal("unable_to_represent_custom_claims_json", e.Type.Value);
        Assert.Contains("8", e.Message);
    }

    [Fact]
    public void Arrays_count_towards_the_depth_limit()
    {
        JsonNode deep = JsonValue.Create(1);
        for (var i = 0; i < 10; i++) deep = new JsonArray(deep);

        var e = Assert.Throws<SessionException>(() => CustomClaims.Merge([], new JsonObject { ["a"] = deep }));

        Assert.Equal("unable_to_represent_custom_claims_json", e.Type.Value);
    }

    // Depth counts the update object as level 1 and a leaf value as a level of its own, so with MaxDepth = 8 the
    // deepest scalar sits inside the seventh object.
    [Fact]
    public void Seven_levels_of_objects_with_a_scalar_leaf_are_accepted()
    {
        var merged = CustomClaims.Merge([], Nested(objects: 7, leaf: JsonValue.Create("leaf")));

        Assert.Contains("\"leaf\"", CustomClaims.Serialize(merged));
    }

    [Fact]
    public void Eight_levels_of_objects_with_a_scalar_leaf_are_refused()
    {
        var e = Assert.Throws<SessionException>(() => CustomClaims.Merge([], Nested(objects: 8, leaf: JsonValue.Create("leaf"))));

        Assert.Equal("unable_to_represent_custom_claims_json", e.Type.Value);
    }

    [Fact]
    public void The_depth_limit_is_checked_before_reserved_names_are_dropped()
    {
        var update = new JsonObject { ["iss"] = Nested(objects: 10, leaf: JsonValue.Create(1)) };

        Assert.Equal("unable_to_represent_custom_claims_json", Assert.Throws<SessionException>(() => CustomClaims.Merge([], update)).Type.Value);
    }

    [Fact]
    public void Parse_reads_an_object_and_treats_anything_else_as_empty()
    {
        Assert.Equal("""{"a":1}""", CustomClaims.Serialize(CustomClaims.Parse("""{"a":1}""")));
        Assert.Empty(CustomClaims.Parse("[1,2]"));
        Assert.Empty(CustomClaims.Parse("null"));
    }

    /// <summary>An update whose root is the first of <paramref name="objects"/> nested objects; the innermost holds <paramref name="leaf"/>.</summary>
    private static JsonObject Nested(int objects, JsonNode leaf)
    {
        var root = new JsonObject();
        var current = root;
        for (var i = 1; i < objects; i++)
        {
            var next = new JsonObject();
            current["l" + (i + 1)] = next;
            current = next;
        }
        current["leaf"] = leaf;
        return root;
    }

    // JSON names are case-sensitive: the service's JSON conventions must not fold them (JsonSerializerDefaults.Web does).

    private static JsonObject Read(string json) => JsonSerializer.Deserialize<JsonObject>(json, SessionJson.Options)!;

    [Fact]
    public void Claims_whose_names_differ_only_in_case_are_distinct()
    {
        var claims = Read("""{"a":1,"A":2,"n":{"b":1,"B":2}}""");

        Assert.Equal("""{"a":1,"A":2,"n":{"b":1,"B":2}}""", CustomClaims.Serialize(CustomClaims.Merge([], claims)));
        Assert.Equal("""{"a":1,"A":3,"n":{"b":1,"B":2}}""", CustomClaims.Serialize(CustomClaims.Merge(claims, Read("""{"A":3}"""))));
        Assert.Equal("""{"A":2,"n":{"b":1,"B":2}}""", CustomClaims.Serialize(CustomClaims.Merge(claims, Read("""{"a":null}"""))));
        Assert.False(Read("""{"Exp":1}""").Count == 0 || CustomClaims.IsReserved("Exp")); // only the exact registered names are reserved
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"n":{"a":1,"a":2}}""")]
    [InlineData("""{"l":[1,{"a":1,"a":2}]}""")]
    public void A_name_given_twice_is_a_json_error(string json)
    {
        var e = Assert.Throws<JsonException>(() => Read(json));
        Assert.Contains("Duplicate", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Stored_claims_keep_names_that_differ_only_in_case() =>
        Assert.Equal("""{"a":1,"A":2}""", CustomClaims.Serialize(CustomClaims.Parse("""{"a":1,"A":2}""")));
}
