using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using SessionFunctions.Core.Features;
using SessionFunctions.Functions;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// The Functions sweep without its host, through a real Azurite queue (127.0.0.1:10001): the timer function's plan is
/// written to a queue as the host's output binding would (base64, the extension's default encoding), every message is
/// received and handed to the queue-triggered function, and the expired sessions are gone while the live ones stay.
/// </summary>
public sealed class SweepQueueTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private SweepFunction Function() =>
        new(server.Service<SweepPlanner>(), server.Service<SweepExpiryPartition>(), NullLogger<SweepFunction>.Instance);

    [Fact]
    public async Task The_timer_plans_one_message_per_due_expiry_shard_and_the_queue_function_sweeps_each()
    {
        var expiring = new List<ApiCall>();
        for (var i = 0; i < 6; i++) expiring.Add((await server.NewSessionAsync(durationMinutes: 5)).Session);
        var (_, _, live) = await server.NewSessionAsync(durationMinutes: 60);
        server.Clock!.Advance(TimeSpan.FromMinutes(7));
        var queue = new QueueClient(TestStorage.QueueConnectionString, "sweep-" + server.TablePrefix.ToLowerInvariant(),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        try
        {
            var plan = await Function().Plan(new TimerInfo(), CancellationToken.None);
            Assert.NotEmpty(plan);
            Assert.Equal(plan.Length, plan.Distinct().Count());
            Assert.All(plan, message => Assert.Matches("^[0-9a-f]<[0-9]{12}$", message)); // one per shard, all its due minutes
            foreach (var message in plan) await queue.SendMessageAsync(message);

            var swept = 0;
            while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } messages)
                foreach (var message in messages)
                {
                    await Function().SweepPartition(message.MessageText, CancellationToken.None);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    swept++;
                }

            Assert.Equal(plan.Length, swept);
            foreach (var session in expiring)
                (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertError(404, "session_not_found");
            (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = live.Str("session_token") })).AssertOk();
            Assert.Empty(await Function().Plan(new TimerInfo(), CancellationToken.None)); // nothing left to plan
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
        }
    }

    [Theory]
    [InlineData("not-a-partition")]
    [InlineData("20261206")]
    [InlineData("999912312359-a")] // a message of the earlier plans, not due yet
    [InlineData("a<999912312359")] // a shard whose minutes are not all past
    [InlineData("earlier<999912312359")]
    [InlineData("g<202601010000")] // no such shard
    [InlineData("a<202613010000")] // no such minute
    [InlineData("a<")]
    public async Task A_malformed_or_not_yet_due_message_is_dropped_without_touching_anything(string message)
    {
        var (_, _, session) = await server.NewSessionAsync(durationMinutes: 5);
        var before = await server.AllRowsAsync();

        await Function().SweepPartition(message, CancellationToken.None);

        Assert.Equal(before, await server.AllRowsAsync());
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
    }
}
