using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Features;

namespace SessionFunctions.Tests.Unit;

public sealed class SessionDurationTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(527040)]
    public void Durations_from_5_to_527040_minutes_are_accepted(int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), SessionDuration.Validate(minutes));

    [Theory]
    [InlineData(4)]
    [InlineData(527041)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Durations_outside_5_to_527040_minutes_are_refused(int minutes)
    {
        var e = Assert.Throws<SessionException>(() => SessionDuration.Validate(minutes));

        Assert.Equal("invalid_session_duration_minutes", e.Type.Value);
        Assert.Equal(ErrorKind.BadRequest, e.Type.Kind);
    }

    [Fact]
    public void The_default_is_an_hour_and_527040_minutes_is_366_days()
    {
        Assert.Equal(TimeSpan.FromHours(1), SessionDuration.Validate(SessionDuration.Default));
        Assert.Equal(TimeSpan.FromDays(366), SessionDuration.Validate(SessionDuration.Max));
    }
}
