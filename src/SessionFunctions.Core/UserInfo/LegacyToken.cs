namespace SessionFunctions.Core.UserInfo;

/// <summary>What a legacy access token may look like before it is put in an <c>Authorization</c> header.</summary>
public static class LegacyToken
{
    /// <summary>
    /// RFC 6750's <c>b64token</c> (token68): one or more of <c>A-Z a-z 0-9 - . _ ~ + /</c>, then any number of <c>=</c>.
    /// Anything else (spaces, CR, LF, NUL, non-ASCII) could never be a bearer token, and some of it would corrupt the header.
    /// </summary>
    public static bool IsBearerToken(string token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=') end--;
        if (end == 0) return false;
        for (var i = 0; i < end; i++)
            if (!(char.IsAsciiLetterOrDigit(token[i]) || token[i] is '-' or '.' or '_' or '~' or '+' or '/')) return false;
        return true;
    }
}
