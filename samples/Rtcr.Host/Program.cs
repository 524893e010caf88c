using Rtcr.Host.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("rtcr");
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run a component under the parent and print its LOG lines.")
        .WithExample("run", "sheep_counter", "--ticks", "5", "--virtual-time");
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Run sheep_counter for a few ticks in virtual time.");
    config.SetExceptionHandler((ex, _) =>
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            AnsiConsole.MarkupLineInterpolated($"[red]  caused by:[/] {inner.Message}");
        return 1;
    });
});
return app.Run(args);
