using Rtcr.Samples.Notes;

var result = NotesDemo.Run();
Console.Write("before checkpoint:\n" + result.Before);
Console.Write("after restore on a fresh kernel:\n" + result.After);
return result.Before == result.After ? 0 : 1;
