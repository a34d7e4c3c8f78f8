using Microsoft.Extensions.Options;
using SessionFunctions.Core.Authorization;

namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Rbac</c>: where the project's RBAC policy comes from.</summary>
public sealed class RbacOptions
{
    public const string Section = "Rbac";

    /// <summary>A JSON file in Stytch's Policy shape; unset: Stytch's default roles and resources only.</summary>
    public string? PolicyPath { get; set; }
}

/// <summary>Reads and checks the policy file at start-up, so a bad policy stops the service naming what is wrong.</summary>
internal sealed class RbacOptionsValidator : IValidateOptions<RbacOptions>
{
    public ValidateOptionsResult Validate(string? name, RbacOptions o)
    {
        var (_, errors) = PolicyFile.Load(o.PolicyPath);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
